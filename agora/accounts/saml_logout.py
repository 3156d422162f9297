"""The IdP's single-logout messages, signed or refused.

python3-saml checks a logout message's signature only when there is one: an unsigned
LogoutRequest naming the IdP as issuer is enough to end the session of whoever follows a link
to it (logout CSRF), and an unsolicited unsigned LogoutResponse does the same. Every IdP Agora
supports signs its HTTP-Redirect logout messages, so one without a signature is refused unless
the administrator allows it (SAML_ALLOW_UNSIGNED_LOGOUT, for IdPs that can't sign).
"""

import logging

from allauth.socialaccount.providers.saml.views import SLSView
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)


class SignedSingleLogoutView(SLSView):
    def dispatch(self, request, organization_slug):
        provider = self.get_provider(organization_slug)
        message = "SAMLRequest" in request.GET or "SAMLResponse" in request.GET
        if (
            message
            and "Signature" not in request.GET
            and not provider.app.settings.get("unsigned_logout_allowed")
        ):
            logger.warning("Unsigned SAML logout message refused (%s)", organization_slug)
            reason = _("This sign-out message from the identity provider is not signed.")
            return render(request, "core/error.html", {"status": 400, "reason": reason}, status=400)
        return super().dispatch(request, organization_slug)


single_logout = csrf_exempt(login_not_required(SignedSingleLogoutView.as_view()))
