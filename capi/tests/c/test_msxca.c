/* The C library from C: round trips of all three formats through both
 * APIs, and the error codes. Run by .ci/run against the shared and the
 * static library, under AddressSanitizer and UBSan. */

#include <msxca.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            failures++;                                                      \
        }                                                                    \
    } while (0)

static unsigned char *sample(size_t len) {
    static const char text[] =
        "C tools link msxca: sleuthkit, bulk_extractor, SMB servers. ";
    unsigned char *data = malloc(len);
    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)text[i % (sizeof text - 1)] ^ (unsigned char)(i / 5000);
    return data;
}

static void round_trip(int format, int level, const unsigned char *data, size_t len) {
    size_t bound = msxca_compress_bound(format, len);
    unsigned char *packed = malloc(bound);
    unsigned char *back = malloc(len + 1);
    struct msxca_compressor *c = msxca_alloc_compressor(format, level);
    CHECK(c != NULL);
    size_t n = msxca_compress(c, data, len, packed, bound);
    CHECK(n > 0 && n < len);
    /* Too little room: 0, not a partial stream (LZNT1 at Windows' levels
     * stores chunks where its output is short, as Windows does). */
    unsigned char *small = malloc(n / 2);
    size_t m = msxca_compress(c, data, len, small, n / 2);
    CHECK(m == 0 || (format == MSXCA_LZNT1 && level != 1 && level != 9 && m <= n / 2));
    free(small);
    msxca_free_compressor(c);

    struct msxca_decompressor *d = msxca_alloc_decompressor(format);
    CHECK(d != NULL);
    size_t in_used = 0, out_made = 0;
    enum msxca_result r = msxca_decompress_ex(d, packed, n, back, len, &in_used, &out_made);
    CHECK(r == MSXCA_SUCCESS);
    CHECK(out_made == len && memcmp(back, data, len) == 0);
    CHECK(in_used <= n);
    /* Without actual_out_nbytes the data must fill the buffer exactly. */
    if (format != MSXCA_XPRESS_HUFF) {
        CHECK(msxca_decompress(d, packed, n, back, len + 1, NULL) == MSXCA_SHORT_OUTPUT);
        CHECK(msxca_decompress(d, packed, n, back, len - 1, &out_made) == MSXCA_INSUFFICIENT_SPACE);
    }
    CHECK(msxca_decompress(d, packed, n, back, len, NULL) == MSXCA_SUCCESS);
    /* Cut short, then damaged. */
    r = msxca_decompress(d, packed, n / 2, back, len, &out_made);
    CHECK(r == MSXCA_TRUNCATED || r == MSXCA_BAD_DATA);
    memset(packed, 0xFF, n < 300 ? n : 300);
    r = msxca_decompress(d, packed, n, back, len, &out_made);
    CHECK(r != MSXCA_SUCCESS);
    msxca_free_decompressor(d);
    free(packed);
    free(back);
}

static void windows_mirror(uint16_t format, const unsigned char *data, uint32_t len) {
    uint32_t ws = 0, frag = 0;
    CHECK(msxca_rtl_get_compression_workspace_size(format, &ws, &frag) == 0);
    void *workspace = malloc(ws > frag ? ws : frag);
    uint32_t cap = len + len / 8 + 4096;
    unsigned char *packed = malloc(cap);
    unsigned char *back = malloc(len);
    uint32_t packed_size = 0, back_size = 0;
    CHECK(msxca_rtl_compress_buffer(format, data, len, packed, cap, 4096, &packed_size, workspace) == 0);
    CHECK(packed_size > 0 && packed_size < len);
    CHECK(msxca_rtl_decompress_buffer_ex(format, back, len, packed, packed_size, &back_size, workspace) == 0);
    CHECK(back_size == len && memcmp(back, data, len) == 0);
    if (format == MSXCA_LZNT1) {
        CHECK(msxca_rtl_decompress_buffer(format, back, len, packed, packed_size, &back_size) == 0);
        unsigned char fragment[100];
        uint32_t got = 0;
        CHECK(msxca_rtl_decompress_fragment(format, fragment, sizeof fragment, packed, packed_size, 5000, &got, workspace) == 0);
        CHECK(got == sizeof fragment && memcmp(fragment, data + 5000, sizeof fragment) == 0);
    }
    /* STATUS_BAD_COMPRESSION_BUFFER on damage, STATUS_UNSUPPORTED_COMPRESSION for format 5. */
    memset(packed, 0xFF, 64);
    CHECK(msxca_rtl_decompress_buffer_ex(format, back, len, packed, packed_size, &back_size, workspace) == 0xC0000242u);
    CHECK(msxca_rtl_get_compression_workspace_size(5, &ws, &frag) == 0xC000025Fu);
    free(workspace);
    free(packed);
    free(back);
}

int main(void) {
    size_t len = 100000;
    unsigned char *data = sample(len);
    const int formats[] = {MSXCA_LZNT1, MSXCA_XPRESS, MSXCA_XPRESS_HUFF};
    const int levels[] = {MSXCA_LEVEL_STANDARD, MSXCA_LEVEL_MAXIMUM, 1, 9};
    for (int f = 0; f < 3; f++) {
        for (int l = 0; l < 4; l++)
            round_trip(formats[f], levels[l], data, len);
        windows_mirror((uint16_t)formats[f], data, (uint32_t)len);
    }
    /* Invalid arguments. */
    CHECK(msxca_alloc_compressor(7, 0) == NULL);
    CHECK(msxca_alloc_compressor(MSXCA_LZNT1, 11) == NULL);
    CHECK(msxca_alloc_decompressor(1) == NULL);
    CHECK(msxca_compress_bound(9, 100) == 0);
    struct msxca_decompressor *d = msxca_alloc_decompressor(MSXCA_XPRESS);
    size_t made = 0;
    CHECK(msxca_decompress(d, NULL, 10, data, len, &made) == MSXCA_INVALID_ARGUMENT);
    CHECK(msxca_decompress(NULL, data, 10, data, len, &made) == MSXCA_INVALID_ARGUMENT);
    msxca_free_decompressor(d);
    msxca_free_compressor(NULL);
    msxca_free_decompressor(NULL);
    CHECK(strcmp(msxca_result_string(MSXCA_SUCCESS), "success") == 0);
    CHECK(strstr(msxca_result_string(MSXCA_TRUNCATED), "truncated") != NULL);
    free(data);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("msxca C API: all checks passed\n");
    return 0;
}
