"""Development demo identities; the credentials are printed by scripts/dev and are dev-only."""

from contexts.auth.models import Role, User

DEMO_ADMIN = ("admin@demo.nextlevelcoach.test", "demo-admin-pass-1")
DEMO_COACH = ("coach@demo.nextlevelcoach.test", "demo-coach-pass-1")


def seed(*, stdout) -> None:
    for (email, password), role, first_name in ((DEMO_ADMIN, Role.ADMIN, "Ada"), (DEMO_COACH, Role.COACH, "Cory")):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email, password, role=role, first_name=first_name, is_superuser=role == Role.ADMIN
            )
            stdout.write(f"  created demo {role}: {email}")
        else:
            stdout.write(f"  demo {role} exists: {email}")
