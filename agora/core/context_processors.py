from django.conf import settings


def agora(request):
    return {"AGORA_LANGUAGES": settings.LANGUAGES}
