from django.http import HttpRequest, HttpResponse


def roster_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def board_registry(request: HttpRequest) -> HttpResponse:
    return HttpResponse()
