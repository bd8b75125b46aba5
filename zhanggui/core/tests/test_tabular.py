"""Reading and writing spreadsheets: encodings, Excel's quirks, formula injection. No DB."""

from __future__ import annotations

import codecs
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.core.tabular import UnreadableFile, read_table, write_csv, write_xlsx

HEADER = "货号,标题,价格\r\n"
BODY = "A1001,春季新款T恤,59.00\r\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(*rows, second_sheet=None):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    if second_sheet:
        workbook.create_sheet("other").append(second_sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        (HEADER + BODY).encode("utf-8"),
        codecs.BOM_UTF8 + (HEADER + BODY).encode("utf-8"),
        (HEADER + BODY).encode("gbk"),
        (HEADER + BODY).encode("gb18030"),
        (HEADER + BODY).replace(",", "\t").encode("utf-16"),  # Excel's "Unicode text"
        (HEADER + BODY).replace(",", "\t").encode("gbk"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-tab", "gbk-tab"],
)
def test_read_csv_decodes_every_encoding_excel_writes(content):
    table = read_table(filename="商品.csv", content=content)
    assert table.header == ("货号", "标题", "价格")
    assert [(row.number, row.values) for row in table.rows] == [
        (2, ("A1001", "春季新款T恤", "59.00"))
    ]


def test_read_xlsx_takes_the_first_sheet_and_values_not_formulas():
    content = xlsx(["货号", "价格", "合计"], ["A1", 59.9, "=B2*2"], second_sheet=["ignored"])
    table = read_table(filename="a.xlsx", content=content)
    assert table.header == ("货号", "价格", "合计")
    assert table.rows[0].values == ("A1", "59.9", "")


def test_read_xlsx_numbers_come_back_as_people_typed_them():
    content = xlsx(["条码", "重量", "价格"], [6901234567892, 180, 59.0])
    assert read_table(filename="a.xlsx", content=content).rows[0].values == (
        "6901234567892",
        "180",
        "59",
    )


def test_read_row_numbers_are_excel_row_numbers_with_blank_rows_skipped():
    content = xlsx(["货号"], ["A1"], [None], ["A2"], ["  "], ["A3"])
    table = read_table(filename="a.xlsx", content=content)
    assert [(row.number, row.values[0]) for row in table.rows] == [(2, "A1"), (4, "A2"), (6, "A3")]


def test_read_csv_row_numbers_count_records_not_lines():
    content = b'a,b\r\n1,"two\nlines"\r\n3,x\r\n'
    table = read_table(filename="a.csv", content=content)
    assert [(row.number, row.values) for row in table.rows] == [
        (2, ("1", "two\nlines")),
        (3, ("3", "x")),
    ]


def test_read_strips_cells_and_unwraps_excel_text_marks():
    content = b'code,phone,note\r\n="00123" ,\'13912345678, say ""hi"" \r\n'
    row = read_table(filename="a.csv", content=content).rows[0]
    assert row.values == ("00123", "13912345678", 'say ""hi""')


def test_find_matches_headers_ignoring_case_spaces_and_full_width_marks():
    content = "商家编码 ,Item_No,重量（克）, Price \r\nX,1,2,3\r\n".encode()
    table = read_table(filename="a.csv", content=content)
    assert table.find(["商家编码"]) == [0]
    assert table.find(["item no"]) == [1]
    assert table.find(["重量(克)"]) == [2]
    assert table.find(["price", "价格"]) == [3]
    assert table.find(["title"]) == []


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("a.csv", b"", "a.csv is empty."),
        ("a.csv", b" \r\n \r\n", "a.csv is empty."),
        ("a.csv", "货号,标题\r\n".encode(), "a.csv has no data rows."),
        (
            "a.csv",
            b"abc,\x80\xff\r\n",
            "a.csv is neither UTF-8 nor GBK text; save it from Excel as CSV or XLSX.",
        ),
        (
            "a.csv",
            b"a,b\x00c\r\n1,2\r\n",
            "a.csv is neither UTF-8 nor GBK text; save it from Excel as CSV or XLSX.",
        ),
        ("photo.png", b"\x89PNG\r\n\x1a\n0000", "photo.png is not a CSV or XLSX file."),
        ("a.xlsx", "货号\r\nA1\r\n".encode(), "a.xlsx is not a CSV or XLSX file."),
        ("a.xlsx", b"PK\x03\x04broken", "a.xlsx is not a valid XLSX file."),
        (
            "a.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50,
            "a.xls is an old Excel 97-2003 file; save it as .xlsx or .csv and try again.",
        ),
    ],
)
def test_read_rejects_files_it_cannot_read_naming_the_file(filename, content, message):
    with pytest.raises(UnreadableFile) as error:
        read_table(filename=filename, content=content)
    assert str(error.value.message) == message


def test_read_rejects_more_rows_than_the_limit():
    content = b"a\r\n1\r\n2\r\n3\r\n"
    with pytest.raises(UnreadableFile) as error:
        read_table(filename="big.csv", content=content, max_rows=2)
    assert str(error.value.message) == "big.csv has more than 2 rows; split it into smaller files."


def test_write_csv_is_utf8_with_bom_and_neutralises_formulas():
    content = write_csv(
        ["标题", "价格", "数量"],
        [
            ['=HYPERLINK("http://x")', Decimal("59.00"), -3],
            ["+1", None, 0],
            ["@SUM(A1)", "-2", "\tx"],
        ],
    )
    assert content.startswith(codecs.BOM_UTF8)
    assert content.decode("utf-8-sig").split("\r\n") == [
        "标题,价格,数量",
        '"\'=HYPERLINK(""http://x"")",59.00,-3',
        "'+1,,0",
        "'@SUM(A1),'-2,'\tx",
        "",
    ]


def test_write_csv_gbk_on_request_keeps_long_digit_strings_as_text():
    content = write_csv(["条码", "商家编码"], [["6901234567892", "0123"]], encoding="gbk")
    assert content.decode("gbk") == '条码,商家编码\r\n"=""6901234567892""","=""0123"""\r\n'
    table = read_table(filename="a.csv", content=content)
    assert table.rows[0].values == ("6901234567892", "0123")


def test_write_xlsx_text_is_never_a_formula_and_numbers_stay_numbers():
    content = write_xlsx(["标题", "价格"], [["=1+2", Decimal("59.90")], ["+86 139", 3]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [
        [(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows(min_row=2)
    ] == [
        [("'=1+2", "s"), (59.9, "n")],
        [("'+86 139", "s"), (3, "n")],
    ]
    assert read_table(filename="a.xlsx", content=content).rows[0].values == ("=1+2", "59.9")


cell_text = st.text(
    st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85"), max_size=12
).filter(lambda text: text == text.strip())


@given(cells=st.lists(cell_text, min_size=1, max_size=4))
def test_written_text_reads_back_the_same_in_csv_and_xlsx(cells):
    rows = [["key", *cells]]
    header = ["k", *(f"c{index}" for index in range(len(cells)))]
    for content in (write_csv(header, rows), write_xlsx(header, rows)):
        filename = "a.xlsx" if content.startswith(b"PK") else "a.csv"
        row = read_table(filename=filename, content=content).rows[0]
        assert tuple(row.get(index) for index in range(len(cells) + 1)) == ("key", *cells)
