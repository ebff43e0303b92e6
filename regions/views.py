from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from regions.models import District


class DistrictListView(ListView):
    template_name = "regions/district_list.html"
    context_object_name = "districts"

    def get_queryset(self):
        return (
            District.objects.in_area()
            .select_related("regency")
            .annotate(village_count=Count("villages"))
            .order_by("regency__code", "name")
        )


class DistrictDetailView(DetailView):
    template_name = "regions/district_detail.html"
    context_object_name = "district"

    def get_object(self, queryset=None):
        return get_object_or_404(
            District.objects.in_area().select_related("regency__province"),
            code=self.kwargs["code"],
        )

    def get_context_data(self, **kwargs):
        villages = self.object.villages.order_by("name")
        return super().get_context_data(villages=villages, **kwargs)
