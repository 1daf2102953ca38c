from django.contrib import admin
from django.urls import include, path

from xinfang.web.forms import ThrottledAdminLoginForm

# The admin login counts failures like the staff login: admins are the accounts most worth guessing.
admin.site.login_form = ThrottledAdminLoginForm
admin.site.site_header = "信访工作平台 系统管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("portal/", include("xinfang.portal.urls")),
    path("", include("xinfang.web.urls")),
]
