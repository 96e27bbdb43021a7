# StripeEvent becomes a nlc.providers.inbound.ProviderEventRecord: the same table, its columns renamed
# (no row is rewritten), the creation time nullable as the kernel's record has it.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0001_initial'),
    ]

    operations = [
        migrations.RenameField(
            model_name='stripeevent',
            old_name='stripe_event_id',
            new_name='provider_event_id',
        ),
        migrations.RenameField(
            model_name='stripeevent',
            old_name='stripe_created_at',
            new_name='provider_created_at',
        ),
        migrations.AlterField(
            model_name='stripeevent',
            name='provider_created_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='stripeevent',
            name='outcome',
            field=models.CharField(choices=[('applied', 'Applied'), ('ignored', 'Ignored (not ours, or nothing to do)')], default='applied', max_length=8),
        ),
    ]
