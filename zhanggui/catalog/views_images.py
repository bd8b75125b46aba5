"""Image actions of the product page: upload, move, delete. Each answers with a redirect
back to the page's image section and a message saying what happened or why not."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.catalog import images
from zhanggui.catalog.forms import ImageMoveForm, ImageUploadForm
from zhanggui.catalog.models import ProductImage
from zhanggui.catalog.views_products import get_product_or_404, product_url
from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.staff.access import PagePermissionMixin


def _report(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        for problems in error.fields.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.error(request, str(error.message))


def _image_or_404(pk: int) -> ProductImage:
    image = ProductImage.objects.select_related("product").filter(pk=pk).first()
    if image is None:
        raise Http404(_("No such image."))
    return image


class ImageUploadView(PagePermissionMixin, View):
    permission_required = "catalog.manage_images"

    def post(self, request: HttpRequest, item_no: str) -> HttpResponse:
        product = get_product_or_404(item_no)
        form = ImageUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose one or more image files."))
            return redirect(product_url(item_no, "images"))
        # One byte over the cap is enough for the service to refuse the file by name.
        limit = images.MAX_IMAGE_BYTES + 1
        files = [
            images.ImageFile(upload.name, upload.read(limit))
            for upload in form.cleaned_data["images"]
        ]
        try:
            saved = images.upload_images(actor=request.user, product_id=product.pk, files=files)
        except DomainError as error:
            _report(request, error)
        else:
            names = ", ".join(image.name for image in saved)
            messages.success(request, _("Images saved: %(names)s") % {"names": names})
        return redirect(product_url(item_no, "images"))


class ImageMoveView(PagePermissionMixin, View):
    permission_required = "catalog.manage_images"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        image = _image_or_404(pk)
        form = ImageMoveForm(request.POST)
        direction = form.cleaned_data["direction"] if form.is_valid() else ""
        try:
            images.move_image(actor=request.user, image_id=image.pk, direction=direction)
        except DomainError as error:
            _report(request, error)
        return redirect(product_url(image.product.item_no, "images"))


class ImageDeleteView(PagePermissionMixin, View):
    permission_required = "catalog.manage_images"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        image = _image_or_404(pk)
        try:
            images.delete_image(actor=request.user, image_id=image.pk)
        except DomainError as error:
            _report(request, error)
        else:
            messages.success(request, _("Image %(name)s deleted.") % {"name": image.name})
        return redirect(product_url(image.product.item_no, "images"))
