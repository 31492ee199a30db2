from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def expire_old_tokens(apps, schema_editor):
    """Tokens issued before lifetimes existed live their lifetime from issue."""
    ApiToken = apps.get_model("core", "ApiToken")
    lifetime = timedelta(days=getattr(settings, "API_TOKEN_DAYS", 30))
    for token in ApiToken.objects.filter(expires__isnull=True).only("pk", "created"):
        ApiToken.objects.filter(pk=token.pk).update(expires=token.created + lifetime)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_api_token"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ["-created", "-pk"],
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
            },
        ),
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(
                blank=True,
                help_text="The client or label given at sign-in, e.g. 'báo cáo tự động'.",
                max_length=100,
                verbose_name="name",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_old_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(db_index=True, verbose_name="expires"),
        ),
    ]
