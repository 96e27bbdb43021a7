from django.urls import path

from contexts.leads import views

app_name = "leads"

urlpatterns = [
    path("intake/<str:form_key>", views.IntakeView.as_view(), name="intake"),
    path("forms", views.LeadFormListView.as_view(), name="lead-form-list"),
    path("forms/<uuid:lead_form_id>", views.LeadFormDetailView.as_view(), name="lead-form-detail"),
    path("forms/<uuid:lead_form_id>/rotate", views.LeadFormRotateView.as_view(), name="lead-form-rotate"),
    path("leads", views.LeadListView.as_view(), name="lead-list"),
    path("leads/import", views.LeadImportView.as_view(), name="lead-import"),
    path("leads/export", views.LeadExportView.as_view(), name="lead-export"),
    path("leads/<uuid:lead_id>", views.LeadDetailView.as_view(), name="lead-detail"),
    path("leads/<uuid:lead_id>/status", views.LeadStatusView.as_view(), name="lead-status"),
    path("leads/<uuid:lead_id>/notes", views.LeadNoteListView.as_view(), name="lead-notes"),
    path("clients", views.ClientListView.as_view(), name="client-list"),
    path("clients/<uuid:client_row_id>", views.ClientDetailView.as_view(), name="client-detail"),
    path("bookings", views.BookingListView.as_view(), name="booking-list"),
    path("calendly", views.CalendlyConnectionView.as_view(), name="calendly-connection"),
    path("stats", views.LeadStatsView.as_view(), name="lead-stats"),
    path("people/<uuid:client_id>", views.PersonView.as_view(), name="person"),
    path("people/<uuid:client_id>/timeline", views.PersonTimelineView.as_view(), name="person-timeline"),
]
