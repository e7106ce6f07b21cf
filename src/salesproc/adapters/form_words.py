"""The paper form's words (销售日报表), in the two languages the workbook is written in.

One table serves the writer (`report template`, `report daily --format xlsx`)
and the reader (`import visits`), so a form written in either language reads
back. The Chinese words are the form's own, as supervisors print them.
"""

LANGUAGES = ("en", "zh")

TITLE = {"en": "Daily sales report", "zh": "销售日报表"}

#: The header block, above the visit rows: label, then the value in the next cell.
HEADER = {
    "region": {"en": "Region", "zh": "区域"},
    "rep": {"en": "Reporter", "zh": "日报人"},
    "date": {"en": "Date", "zh": "填写日期"},
    "weather": {"en": "Weather", "zh": "天气"},
}

#: The visit rows' column headings, left to right.
COLUMNS = {
    "seq": {"en": "No.", "zh": "序号"},
    "customer": {"en": "Customer", "zh": "访问客户"},
    "phone": {"en": "Phone", "zh": "电话"},
    "time": {"en": "Visit time", "zh": "访问时间"},
    "purposes": {"en": "Purposes", "zh": "访问目的"},
    "result": {"en": "Result", "zh": "商谈结果"},
    "outcome": {"en": "Outcome", "zh": "结果"},
    "category": {"en": "Category", "zh": "客户类别"},
    "next_visit": {"en": "Next visit", "zh": "预定再访时间"},
    "notes": {"en": "Notes", "zh": "其他记录"},
}

#: The first cell of the footer row, which ends the visit rows of a filled form.
TOTAL = {"en": "Total", "zh": "合计"}
