# A subscription keeps the price Stripe bills it (amount, currency, interval) instead of reading its
# plan's, which an admin may change while running subscriptions keep theirs. Existing rows take
# their plan's current price, the best billing knows until Stripe's next snapshot of them.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def prices_from_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    Subscription = apps.get_model("billing", "Subscription")
    plan = Plan.objects.using(schema_editor.connection.alias).filter(pk=OuterRef("plan_id"))
    Subscription.objects.using(schema_editor.connection.alias).update(
        amount=Subquery(plan.values("amount")[:1]),
        currency=Subquery(plan.values("currency")[:1]),
        interval=Subquery(plan.values("interval")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0002_stripe_event_provider_record'),
    ]

    operations = [
        migrations.AddField(
            model_name='subscription',
            name='amount',
            field=models.PositiveIntegerField(default=0, help_text='Price per interval, in minor units of the currency.'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='subscription',
            name='currency',
            field=models.CharField(default='', max_length=3),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='subscription',
            name='interval',
            field=models.CharField(choices=[('month', 'Monthly'), ('year', 'Yearly')], default='month', max_length=8),
            preserve_default=False,
        ),
        migrations.RunPython(prices_from_plans, migrations.RunPython.noop),
    ]
