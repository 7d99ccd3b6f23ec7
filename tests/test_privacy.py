import pandas as pd

from dtsen_pipeline.privacy import mask_frame, mask_name, mask_number, mask_text


def test_numbers_keep_region_and_last_two_digits():
    assert mask_number("3403014703850001") == "3403**********01"
    assert mask_number(None) is None
    assert mask_number("12") == "**"


def test_names_keep_initials_only():
    assert mask_name("SITI AMINAH") == "S*** A*****"


def test_free_text_hides_embedded_niks():
    text = "row 7: NIK 3403014703850001 already used by 3403010703850002"
    masked = mask_text(text)
    assert "3403014703850001" not in masked and "3403010703850002" not in masked
    assert masked.startswith("row 7: NIK 3403**********01")


def test_frame_masks_identity_and_name_columns_only():
    frame = pd.DataFrame({"nik": ["3403014703850001"], "no_kk": ["3403010101200001"], "nama": ["SUTARNO"],
                          "nama_kepala": ["SITI AMINAH"], "kode_desa": ["3403012001"], "baris": [2]})
    out = mask_frame(frame)
    assert out.loc[0, "nik"] == "3403**********01" and out.loc[0, "no_kk"] == "3403**********01"
    assert out.loc[0, "nama"] == "S******" and out.loc[0, "nama_kepala"] == "S*** A*****"
    assert out.loc[0, "kode_desa"] == "3403012001" and out.loc[0, "baris"] == 2
    assert frame.loc[0, "nik"] == "3403014703850001"  # the original is untouched
