// data/sample.csv is included with the assembler's .incbin: no generated source, no copy
// at start-up. KEETA_SAMPLE_CSV (its path) and KEETA_SAMPLE_SHA256 (its hash, so that
// ccache sees a changed sample) come from src/CMakeLists.txt.
#include "store/bundled_sample.h"

#include <cstddef>

#define KEETA_STRINGIFY_INNER(x) #x
#define KEETA_STRINGIFY(x) KEETA_STRINGIFY_INNER(x)

__asm__(".pushsection .rodata.keeta_sample, \"a\", @progbits\n"
        ".balign 16\n"
        "keeta_sample_csv_begin:\n"
        ".incbin \"" KEETA_SAMPLE_CSV "\"\n"
        "keeta_sample_csv_end:\n"
        ".byte 0\n"
        ".popsection\n"
        "// sample sha256 " KEETA_STRINGIFY(KEETA_SAMPLE_SHA256) "\n");

extern "C" const char keeta_sample_csv_begin[];
extern "C" const char keeta_sample_csv_end[];

namespace keeta {

std::string_view BundledSampleCsv() {
  return {keeta_sample_csv_begin,
          static_cast<std::size_t>(keeta_sample_csv_end - keeta_sample_csv_begin)};
}

}  // namespace keeta
