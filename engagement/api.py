"""POST /api/v1/redemptions: shops and tills redeem discount codes.

Authenticated like the rest of the API (api.ApiClient bearer tokens, one per shop or till);
errors use the API's one JSON shape {status, code, message, errors}.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import drf_errors, error_body
from api.serializers import ErrorSerializer
from api.views.base import check_body
from engagement.models import RedemptionChannel
from engagement.services import RedemptionError, discount_code_redeem


class RedemptionSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    channel = serializers.ChoiceField(choices=RedemptionChannel.choices)
    order_reference = serializers.CharField(max_length=100)


class RedemptionResultSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    result = serializers.ChoiceField(choices=["redeemed", "already_redeemed_by_this_order"])
    discount_code = serializers.CharField()
    discount = serializers.CharField()
    channel = serializers.CharField()
    order_reference = serializers.CharField()
    redeemed_at = serializers.DateTimeField()


class RedemptionView(APIView):
    """Redeem a discount code once; the same order repeating its request gets 200, not 409."""

    def initial(self, request, *args, **kwargs):
        check_body(request)  # a chunked body would otherwise arrive empty
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request=RedemptionSerializer,
        responses={
            200: RedemptionResultSerializer,
            201: RedemptionResultSerializer,
            **dict.fromkeys((400, 401, 403, 404, 409, 410, 411, 413, 415, 429), ErrorSerializer),
        },
    )
    def post(self, request):
        serializer = RedemptionSerializer(data=request.data)
        if not serializer.is_valid():
            errors = drf_errors(serializer.errors)
            message = _("Send code, channel (web or store) and order_reference.")
            return Response(error_body(400, "invalid_request", message, errors), status=400)
        data = serializer.validated_data
        try:
            result = discount_code_redeem(
                code=data["code"],
                channel=data["channel"],
                order_reference=data["order_reference"],
                client=request.auth,
            )
        except RedemptionError as error:
            return Response(
                error_body(error.status, error.code, error.message), status=error.status
            )
        code = result.code
        status_code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(
            {
                "status": status_code,
                "result": "redeemed" if result.created else "already_redeemed_by_this_order",
                "discount_code": code.code,
                "discount": code.offer.discount_text,
                "channel": code.redeemed_channel,
                "order_reference": code.order_reference,
                "redeemed_at": code.redeemed_at.isoformat(),
            },
            status=status_code,
        )
