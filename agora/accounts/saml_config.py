"""Checks of the SAML settings read from the environment (agora/settings.py's SAML block):
plain functions, no Django app needed, so that settings can call them while loading."""

from django.core.exceptions import ImproperlyConfigured

NAMEID_FORMATS = {
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "transient": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "emailaddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "unspecified": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
}


def sp_signing(cert_pem: str, key_pem: str) -> dict:
    """allauth's "advanced" SP key settings: none, or a matching RSA certificate and key."""
    if not cert_pem and not key_pem:
        return {}
    if not (cert_pem and key_pem):
        raise ImproperlyConfigured(
            "SAML signing needs both SAML_SP_X509_CERT and SAML_SP_PRIVATE_KEY, or neither"
        )
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "SAML_SP_X509_CERT and SAML_SP_PRIVATE_KEY must be a PEM certificate and an "
            f"unencrypted PEM private key: {error}"
        ) from None
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured("SAML_SP_PRIVATE_KEY must be an RSA key")
    if cert.public_key().public_bytes(*spki) != key.public_key().public_bytes(*spki):
        raise ImproperlyConfigured(
            "SAML_SP_X509_CERT is not the certificate of SAML_SP_PRIVATE_KEY"
        )
    return {
        "x509cert": cert_pem,
        "private_key": key_pem,
        "authn_request_signed": True,
        # The LogoutResponse answering an IdP's LogoutRequest (and any LogoutRequest).
        "logout_request_signed": True,
        "logout_response_signed": True,
    }


def nameid_format(value: str) -> str | None:
    """SAML_NAMEID_FORMAT: a short name (persistent, transient, emailAddress, unspecified) or
    a full URN; unset: python3-saml's default (unspecified)."""
    value = value.strip()
    if not value or value.startswith("urn:"):
        return value or None
    if value.lower() not in NAMEID_FORMATS:
        raise ImproperlyConfigured(
            "SAML_NAMEID_FORMAT must be a URN or one of persistent, transient, emailAddress, "
            "unspecified"
        )
    return NAMEID_FORMATS[value.lower()]
