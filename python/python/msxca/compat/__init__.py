"""Drop-in replacements for the functions of other Python libraries, so
that switching to msxca is a one-line import change:

- msxca.compat.dissect: dissect.util.compression's lznt1, lzxpress and
  lzxpress_huffman modules;
- msxca.compat.pyfwnt: pyfwnt's lznt1_decompress, lzxpress_decompress and
  lzxpress_huffman_decompress.
"""
