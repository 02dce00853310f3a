/*
 * The small part of the jQuery UI tabs API that modeltranslation's
 * tabbed_translation_fields.js uses: .tabs({active}), .tabs("option", "active"[, n])
 * and the "tabsactivate" event. Loaded locally instead of jQuery UI from a CDN.
 */
(function ($) {
  "use strict";
  if (!$ || $.fn.tabs) {
    return;
  }

  function parts($container) {
    var $items = $container.children("ul").first().children("li");
    var $panels = $items.map(function () {
      var href = $(this).children("a").attr("href") || "";
      return document.getElementById(href.replace(/^#/, ""));
    });
    return { items: $items, panels: $($panels.get()) };
  }

  function activate($container, index, notify) {
    var p = parts($container);
    index = parseInt(index, 10);
    if (isNaN(index) || index < 0 || index >= p.items.length) {
      index = 0;
    }
    p.items
      .removeClass("ui-tabs-active ui-state-active")
      .attr({ "aria-selected": "false", tabindex: "-1" });
    p.panels.addClass("ui-tabs-hide").attr("aria-hidden", "true").hide();
    var $tab = p.items.eq(index).addClass("ui-tabs-active ui-state-active");
    $tab.attr({ "aria-selected": "true", tabindex: "0" });
    var $panel = p.panels.eq(index).removeClass("ui-tabs-hide").attr("aria-hidden", "false");
    $panel.show();
    $container.data("pimTabsActive", index);
    if (notify) {
      $container.trigger("tabsactivate", [{ newTab: $tab, newPanel: $panel }]);
    }
  }

  $.fn.tabs = function (options, name, value) {
    if (typeof options === "string") {
      if (options === "option" && name === "active") {
        if (value === undefined) {
          return this.first().data("pimTabsActive");
        }
        return this.each(function () {
          activate($(this), value, true);
        });
      }
      return this;
    }
    options = options || {};
    return this.each(function () {
      var $container = $(this).addClass("ui-tabs ui-widget ui-widget-content");
      var $list = $container.children("ul").first();
      $list.addClass("ui-tabs-nav ui-helper-reset ui-helper-clearfix").attr("role", "tablist");
      $list.children("li").each(function (index) {
        var $item = $(this).addClass("ui-state-default").attr("role", "tab");
        $item.children("a").addClass("ui-tabs-anchor").on("click", function (event) {
          event.preventDefault();
          activate($container, index, true);
        });
      });
      parts($container).panels.addClass("ui-tabs-panel").attr("role", "tabpanel");
      activate($container, options.active || 0, false);
    });
  };
})(window.jQuery || (window.django && window.django.jQuery));
