"""A donation receipt as a PDF a donor can save (reportlab, with its built-in Chinese CID font,
so no font file has to be installed on the server or the phone)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A5, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def render_pdf(receipt: dict) -> bytes:
    """One landscape A5 page: number, donor, amount in figures and in capitals, campaign, date."""
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"捐赠收据 {receipt['receipt_number']}")
    pdf.setFont(FONT, 22)
    pdf.drawCentredString(width / 2, height - 60, "慈善捐赠收据")
    pdf.setFont(FONT, 11)
    pdf.drawRightString(width - 40, height - 85, f"编号：{receipt['receipt_number']}")
    if receipt["kind"] == "money":
        what = [
            ("金额（小写）", receipt["amount_figures"]),
            ("金额（大写）", receipt["amount_words"]),
        ]
    else:
        what = [
            ("捐赠物品", f"{receipt['description']} {receipt['quantity']}{receipt['unit']}"),
            ("估价（大写）", receipt["amount_words"]),
        ]
    lines = [
        (
            "捐赠人",
            receipt["donor_name"] + (f"（{unit}）" if (unit := receipt.get("unit_name")) else ""),
        ),
        *what,
        ("捐赠项目", receipt["campaign_name"]),
        ("日期", receipt["date"].strftime("%Y年%m月%d日")),
    ]
    y = height - 125
    pdf.setFont(FONT, 14)
    for label, value in lines:
        pdf.drawString(60, y, f"{label}：")
        pdf.drawString(170, y, str(value))
        y -= 30
    pdf.setFont(FONT, 11)
    pdf.drawString(60, 50, "感谢您的爱心捐赠。本收据免费开具。")
    pdf.drawRightString(width - 40, 50, f"{receipt['issuer']}（盖章）")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
