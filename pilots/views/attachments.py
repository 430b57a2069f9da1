"""Attachments: uploaded after a check of their content, served only to who may see the project."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..net import client_ip
from .common import refuse, refuse_unless_plan_readable, visible_project


@login_required
@require_POST
def upload(request, pk):
    project = visible_project(request, pk)
    uploaded = request.FILES.get("file")
    try:
        if uploaded is None:
            raise services.InvalidInput(_("请选择要上传的文件。"))
        attachment = services.add_attachment(project, request.user, uploaded,
                                             description=request.POST.get("description", ""),
                                             ip_address=client_ip(request))
    except services.NotPermitted as error:
        refuse(error)
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("附件“%(name)s”已上传。") % {"name": attachment.name})
    return redirect("project-detail", pk=pk)


@login_required
def download(request, pk, attachment_id):
    project = visible_project(request, pk)
    refuse_unless_plan_readable(project, request.user)
    attachment = get_object_or_404(project.attachments, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    services.record_download(attachment, request.user, ip_address=client_ip(request))
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete(request, pk, attachment_id):
    project = visible_project(request, pk)
    attachment = get_object_or_404(project.attachments, pk=attachment_id)
    try:
        services.remove_attachment(attachment, request.user, ip_address=client_ip(request))
    except services.NotPermitted as error:
        refuse(error)
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("project-detail", pk=pk)
