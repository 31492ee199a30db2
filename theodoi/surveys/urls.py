from django.urls import path

from . import public, views, views_published

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/step/<slug:step>/", views.survey_step, name="step"),
    path("<int:pk>/sections/", views.add_section, name="add-section"),
    path("<int:pk>/questions/new/", views.add_question, name="add-question"),
    path("<int:pk>/points/", views.add_point, name="add-point"),
    path("<int:pk>/questionnaire.xlsx", views.questionnaire_xlsx, name="xlsform"),
    path("<int:pk>/import/", views.import_questionnaire, name="import"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/report.docx", views.report, name="report"),
    path("<int:pk>/results.xlsx", views.results_xlsx, name="results-xlsx"),
    path("<int:pk>/texts/", views.free_texts, name="texts"),
    path("<int:pk>/responses/", views.responses, name="responses"),
    path("questions/<int:pk>/", views.edit_question, name="question"),
    path("points/<int:pk>/codes/", views.point_codes, name="codes"),
    path("points/<int:pk>/interview/", public.interview, name="interview"),
    path("points/<int:pk>/poster.docx", views.point_poster, name="poster"),
    path("<int:pk>/answers.<slug:kind>", views.export_answers, name="export"),
    # Published results on the portal (anyone).
    path("published/", views_published.published_list, name="published-list"),
    path("published/<int:pk>/", views_published.published_results, name="published"),
    # The anonymous answer page of a collection point (its link and QR code).
    path("a/<slug:token>/", public.answer, name="answer"),
    path("a/<slug:token>/thanks/", public.thanks, name="thanks"),
]
