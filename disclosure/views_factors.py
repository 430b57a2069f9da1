"""The emission factor library pages for the ecology admin (项目管理设置 › 排放因子库)."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.rules import may_manage_programme

from . import factors
from .forms_factors import FactorVersionForm
from .models import EmissionFactor

RULE_YEARS_BACK = 6  # accounting years shown with the electricity factor that applies


def factor_admin(view):
    """Logged in, and the rule says this user keeps the programme settings; else 403."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_manage_programme(request.user):
            raise PermissionDenied(_("只有市生态环境局可以维护排放因子库。"))
        return view(request, *args, **kwargs)

    return checked


@factor_admin
def factor_list(request):
    """Every factor row with its source (unconfirmed ones marked), the rule that picks one for
    an accounting year, and the form that adds a version."""
    form = FactorVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            factor = factors.add_factor_version(request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已添加排放因子「%(name)s」%(year)s年%(region)s第%(version)s版。")
                             % {"name": factor.label, "year": factor.data_year,
                                "region": factor.get_region_display(), "version": factor.version})
            return redirect("factor-list")
    rows = list(EmissionFactor.objects.select_related("entered_by")
                .order_by("kind", "code", "-data_year", "region", "-version"))
    this_year = timezone.localdate().year
    years = range(this_year - RULE_YEARS_BACK, this_year + 1)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "disclosure/factors/list.html", {
        "factors": rows,
        "rule": factors.factor_rule(),
        "electricity": factors.applicable_by_year(rows, factors.ELECTRICITY_CODE, years),
        "codes": sorted({f.code for f in rows}),
        "form": form,
        "section": "factors",
    }, status=status)
