from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "contexts.courses"
    label = "courses"
    verbose_name = "Courses"
