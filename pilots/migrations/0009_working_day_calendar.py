"""The working-day calendar: years (one State Council notice each), their holidays and make-up
working days, the claims of the November warnings; seeded with 2004–2026 from chinesecalendar."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone



# --- The seed: 2004–2026 as the chinesecalendar package records the State Council's notices.

FIRST_YEAR, LAST_YEAR = 2004, 2026

# The notices whose title and number were checked against the published text; the other
# years name the notice by its title only.
NOTICES = {
    2023: "国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号）",
    2024: "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）",
    2025: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
    2026: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
}

# The package's short names, as the notices write them.
NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def _name(holiday_value):
    from chinese_calendar.constants import Holiday

    chinese = Holiday(holiday_value).chinese
    return NAMES.get(chinese, chinese)


def seed(apps, schema_editor):
    """Each year 2004–2026 verified (by nobody: the package is the source), with its
    holidays and make-up working days. Years already present are left as they are."""
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    CalendarYear = apps.get_model("pilots", "CalendarYear")
    CalendarDay = apps.get_model("pilots", "CalendarDay")
    version = chinese_calendar.__version__
    now = timezone.now()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        source = NOTICES.get(year, f"国务院办公厅关于{year}年部分节假日安排的通知")
        calendar_year = CalendarYear.objects.create(
            year=year, source=f"{source}（数据来源：chinesecalendar {version}）",
            note=f"随系统从 chinesecalendar {version} 软件包导入。",
            created_at=now, verified_at=now, verified_by=None)
        days = [CalendarDay(date=day, kind="holiday", name=_name(value), year=calendar_year)
                for day, value in holidays.items() if day.year == year]
        days += [CalendarDay(date=day, kind="workday", name=_name(value), year=calendar_year)
                 for day, value in workdays.items() if day.year == year]
        if not any(day.kind == "holiday" for day in days):
            raise RuntimeError(f"chinesecalendar {version} has no holidays of {year}")
        CalendarDay.objects.bulk_create(days)


class Migration(migrations.Migration):

    dependencies = [
        ('pilots', '0008_beat_schedule'),
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='缺少的年份')),
                ('week_of', models.DateField(verbose_name='所在周的星期一')),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='提醒时间')),
            ],
            options={
                'verbose_name': '工作日历提醒',
                'verbose_name_plural': '工作日历提醒',
                'ordering': ['-week_of'],
                'constraints': [models.UniqueConstraint(fields=('year', 'week_of'), name='one_calendar_reminder_a_week')],
            },
        ),
        migrations.CreateModel(
            name='CalendarYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='年份')),
                ('source', models.CharField(help_text='国务院办公厅公布该年节假日安排的通知的标题和文号。', max_length=300, verbose_name='依据文件')),
                ('note', models.TextField(blank=True, verbose_name='备注')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='录入时间')),
                ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='核实时间')),
                ('verified_by', models.ForeignKey(blank=True, help_text='为空且已核实：随系统从 chinesecalendar 软件包导入。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='核实人')),
            ],
            options={
                'verbose_name': '工作日历年份',
                'verbose_name_plural': '工作日历年份',
                'ordering': ['-year'],
            },
        ),
        migrations.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='日期')),
                ('kind', models.CharField(choices=[('holiday', '法定节假日'), ('workday', '调休上班日')], max_length=10, verbose_name='类型')),
                ('name', models.CharField(help_text='所属节日，如春节、国庆节；调休上班日填所调休的节日。', max_length=60, verbose_name='节日')),
                ('year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='days', to='pilots.calendaryear', verbose_name='依据年份')),
            ],
            options={
                'verbose_name': '节假日或调休上班日',
                'verbose_name_plural': '节假日与调休上班日',
                'ordering': ['date'],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
