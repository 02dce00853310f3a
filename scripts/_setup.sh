# Shared set-up for scripts/run and scripts/test: idempotent, safe to run on every start.
# Creates .venv, installs the Python packages (only when pyproject.toml changed), for tests the
# JavaScript test packages (only when package-lock.json changed) and, when run as root on
# Debian, the system packages the project needs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
cd "$ROOT"

# Debian packages the product needs at run time (one per line, so changes merge cleanly)...
RUNTIME_DEBIAN_PACKAGES=(
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz-subset0
)
# ...and those only the test suite needs (decoders, the browser for browser tests).
TEST_DEBIAN_PACKAGES=(
    chromium
    poppler-utils
    zbar-tools
    redis-server
)
DEBIAN_PACKAGES=("${RUNTIME_DEBIAN_PACKAGES[@]}")
if [ "${PIM_SETUP_FOR_TESTS:-0}" = "1" ]; then
    DEBIAN_PACKAGES+=("${TEST_DEBIAN_PACKAGES[@]}")
    # The HTML validator needs Java and the accessibility check needs npm; both are installed
    # from Debian only when the machine has none (CI fails rather than skips those checks).
    command -v java >/dev/null || DEBIAN_PACKAGES+=(default-jre-headless)
    command -v npm >/dev/null || DEBIAN_PACKAGES+=(npm)
fi

install_debian_packages() {
    [ "${#DEBIAN_PACKAGES[@]}" -eq 0 ] && return 0
    command -v dpkg-query >/dev/null || return 0
    local missing=()
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        echo "Please install these Debian packages: ${missing[*]}" >&2
        return 0
    fi
    echo "Installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
    if [ ! -x "$VENV/bin/python" ]; then
        echo "Creating virtualenv in .venv"
        "$PY" -m venv "$VENV"
    fi
    local stamp="$VENV/.pim-installed"
    local digest
    digest="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
        echo "Installing Python packages into .venv"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
        echo "$digest" > "$stamp"
    fi
}

# JavaScript the tests use (axe-core for the accessibility checks), from package-lock.json;
# reinstalled only when package.json or the lock file changed. Without npm those checks skip.
install_node_packages() {
    [ -f package.json ] || return 0
    if ! command -v npm >/dev/null; then
        echo "npm not found: the axe-core accessibility test will be skipped" >&2
        return 0
    fi
    local stamp="node_modules/.pim-installed"
    local digest
    digest="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
        echo "Installing JavaScript test packages into node_modules"
        local install=(install)
        [ -f package-lock.json ] && install=(ci)
        if npm "${install[@]}" --no-audit --no-fund --loglevel=error; then
            echo "$digest" > "$stamp"
        else
            echo "npm ${install[*]} failed: the axe-core accessibility test will be skipped" >&2
        fi
    fi
}

install_debian_packages
install_python_packages
if [ "${PIM_SETUP_FOR_TESTS:-0}" = "1" ]; then
    install_node_packages
fi
export PATH="$VENV/bin:$PATH"
