from django.utils import translation

from agora.core.middleware import token_user


class UserLanguageMiddleware:
    """A signed-in person's saved language beats the browser's Accept-Language. (Not for the
    API reads that core.middleware.ApiTokenRequests recognises: nobody is signed in there
    — TokenAuth authenticates them later — so this has nothing to do.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if token_user(request) is not None:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response
