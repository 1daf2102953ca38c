"""The citizens' portal, under /portal/ (config/urls.py)."""

from django.urls import path

from xinfang.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.guidance, name="guidance"),
    path("submit/", views.submit, name="submit"),
    path("receipt/", views.receipt, name="receipt"),
    path("captcha/", views.captcha_new, name="captcha"),
    path("track/", views.track, name="track"),
    path("track/case/", views.track_case, name="track_case"),
    path("track/rate/", views.track_rate, name="track_rate"),
    path("track/appeal/", views.track_appeal, name="track_appeal"),
    path("track/documents/<int:document_id>/", views.track_document, name="track_document"),
    path("track/exit/", views.track_exit, name="track_exit"),
    path("statistics/", views.statistics_page, name="statistics"),
]
