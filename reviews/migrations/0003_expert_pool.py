"""The expert pool: a profile per expert (employer, county, fields) and its declared relations."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_scoring_deadline"), ("pilots", "0008_beat_schedule"),
                    migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [
        migrations.CreateModel(
            name='ExpertProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fields', models.JSONField(blank=True, default=list, verbose_name='专业领域')),
                ('is_active', models.BooleanField(default=True, help_text='停用的专家不再被推荐，也不能被指派。', verbose_name='在库')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('county', models.ForeignKey(blank=True, help_text='县(区)专家填写；市级及以上单位的专家留空。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pilots.county', verbose_name='所在县(区)')),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='employed_experts', to='pilots.organisation', verbose_name='工作单位')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='expert_profile', to=settings.AUTH_USER_MODEL, verbose_name='专家')),
            ],
            options={
                'verbose_name': '专家库成员',
                'verbose_name_plural': '专家库',
                'ordering': ['user__username'],
            },
        ),
        migrations.CreateModel(
            name='DeclaredRelation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('institutional', '任职单位'), ('collaborator', '合作/咨询关系'), ('personal', '个人关系'), ('other', '其他')], max_length=20, verbose_name='关系类型')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                ('since', models.DateField(verbose_name='起始日期')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pilots.organisation', verbose_name='单位')),
                ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='relations', to='reviews.expertprofile', verbose_name='专家')),
            ],
            options={
                'verbose_name': '申报的利益关系',
                'verbose_name_plural': '申报的利益关系',
                'ordering': ['profile', 'since', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('profile', 'organisation'), name='one_relation_per_organisation')],
            },
        ),
    ]
