"""Rubrics (评分标准): criteria with weights summing to 100, a pass line and an excellent line,
per batch, category and kind of review."""
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def _points(verbose_name, help_text, **options):
    return models.DecimalField(
        decimal_places=2, max_digits=5, help_text=help_text, verbose_name=verbose_name,
        validators=[django.core.validators.MinValueValidator(Decimal("0.01")),
                    django.core.validators.MaxValueValidator(Decimal("100"))],
        **options)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_expert_pool")]

    operations = [
        migrations.CreateModel(
            name="Rubric",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("kind", models.CharField(choices=[("selection", "遴选评审"),
                                                   ("acceptance", "验收评审")],
                                          max_length=20, verbose_name="评审类型")),
                ("pass_line", _points("通过线", "得分不低于此分数为「通过」。",
                                      default=Decimal("60"))),
                ("excellent_line", _points("优秀线", "得分不低于此分数为「优秀」。",
                                           default=Decimal("85"))),
                ("locked_at", models.DateTimeField(blank=True, null=True,
                                                   help_text="第一份评分表提交时锁定，此后不能修改。",
                                                   verbose_name="锁定时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("batch", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                            related_name="rubrics", to="pilots.batch",
                                            verbose_name="申报批次")),
                ("category", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                               related_name="rubrics", to="pilots.category",
                                               verbose_name="试点类别")),
            ],
            options={
                "verbose_name": "评分标准",
                "verbose_name_plural": "评分标准",
                "ordering": ["-batch__year", "category__order", "category__code", "kind"],
                "constraints": [
                    models.UniqueConstraint(fields=("batch", "category", "kind"),
                                            name="one_rubric_per_batch_category_kind"),
                    models.CheckConstraint(
                        condition=models.Q(("pass_line__gt", 0),
                                           ("pass_line__lt", models.F("excellent_line")),
                                           ("excellent_line__lte", 100)),
                        name="rubric_lines_in_order"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Criterion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("code", models.SlugField(max_length=40, verbose_name="代码")),
                ("name", models.CharField(max_length=60, verbose_name="名称")),
                ("name_en", models.CharField(blank=True, max_length=120, verbose_name="英文名称")),
                ("weight", _points("分值", "该项的满分；各项分值合计为100分。")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("rubric", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name="criteria", to="reviews.rubric",
                                             verbose_name="评分标准")),
            ],
            options={
                "verbose_name": "评分项",
                "verbose_name_plural": "评分项",
                "ordering": ["rubric", "order", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("rubric", "code"),
                                            name="criterion_code_unique"),
                    models.CheckConstraint(condition=models.Q(("weight__gt", 0),
                                                              ("weight__lte", 100)),
                                           name="criterion_weight_in_range"),
                ],
            },
        ),
    ]
