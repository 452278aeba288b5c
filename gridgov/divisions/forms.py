"""Forms of the divisions app."""

from django import forms


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="区划文件（CSV 或 XLSX）",
                           help_text="列：区划代码、上级代码、名称、层级，可选 城乡分类代码、中心经度、中心纬度")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("只支持 .csv 或 .xlsx 文件")
        return f
