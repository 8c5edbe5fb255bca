#include <benchgate/benchgate.hpp>

#include "widgets.hpp"

BENCHGATE_BENCH("parse/digits_256") {
    std::string text(256, '7');
    bench.run([&] { return widgets::parse(text); });
}

BENCHGATE_BENCH("parse/mixed_256") {
    std::string text;
    for (int i = 0; i < 256; ++i) text += static_cast<char>('0' + i % 40);
    bench.run([&] { return widgets::parse(text); });
}
