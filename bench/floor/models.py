"""Read-only views of theodoi's tables (no migrations: the tables are theodoi's)."""

from django.db import models


class WorkItem(models.Model):
    task_id = models.BigIntegerField()
    position = models.IntegerField()
    number = models.CharField(max_length=20)
    title = models.CharField(max_length=500)
    expected_output = models.CharField(max_length=500)
    start = models.DateField()
    end = models.DateField()
    version = models.IntegerField()

    class Meta:
        managed = False
        db_table = "plans_workitem"
        app_label = "floor"

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    work_item = models.ForeignKey(WorkItem, on_delete=models.DO_NOTHING, related_name="+")
    unit_id = models.BigIntegerField()
    role = models.CharField(max_length=20)
    status = models.CharField(max_length=20)

    class Meta:
        managed = False
        db_table = "plans_assignment"
        app_label = "floor"

    def __str__(self) -> str:
        return f"{self.work_item_id}/{self.unit_id}"
