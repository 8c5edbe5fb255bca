// benchgate: registration of named benchmarks at static initialisation: the BENCHGATE_*
// macros, run-time registration, typed and fixture benchmarks, and name validation.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench.hpp"
#include "detail/compiler.hpp"
#include "fixture.hpp"
#include "group.hpp"
#include "params.hpp"

namespace benchgate {

using Body = std::function<void(Bench&)>;

struct Registration {
    Registration(std::string n = {}, Body b = {}) : name(std::move(n)), body(std::move(b)) {}

    std::string name;  // full name, e.g. "frame_encoding/encode" or "frame/encode/size:64"
    Body body;
    std::string family;         // name without parameters ("" when not parameterised)
    std::vector<Param> params;  // this instance's axis values
    bool complexity = false;    // fit the family's complexity over its numeric axis
    std::function<void()> finish;  // called once after the last round (fixture teardown)
};

// All registered benchmarks, in registration order (per TU: declaration order).
inline std::vector<Registration>& registry() {
    static std::vector<Registration> all;
    return all;
}

// Registers a benchmark at run time; the macros below do it at static initialisation.
inline void add(std::string name, Body body) { registry().emplace_back(std::move(name), std::move(body)); }

struct Registrar {
    Registrar(const char* name, void (*body)(Bench&)) { add(name, body); }
};

// Registers one benchmark per parameter combination.
inline void add_parameterised(const std::string& family, const Params& params, Body body) {
    for (auto& instance : params.instances()) {
        Registration r;
        r.name = Params::instance_name(family, instance, params.single_unnamed());
        r.body = body;
        r.family = family;
        r.params = std::move(instance);
        r.complexity = params.wants_complexity();
        registry().push_back(std::move(r));
    }
}

struct ParamRegistrar {
    ParamRegistrar(const char* family, const Params& params, void (*body)(Bench&)) {
        add_parameterised(family, params, body);
    }
};

// ---------------------------------------------------------------- typed benchmarks
// A readable name for a type, from the compiler's own spelling ("std::string", "int").
// Specialise benchgate::type_label<T> for a custom label.
template <class T>
std::string type_label() {
#if defined(__clang__) || defined(__GNUC__)
    std::string_view f = __PRETTY_FUNCTION__;
    const auto eq = f.find("T = ");
    if (eq != std::string_view::npos) {
        f.remove_prefix(eq + 4);
        std::size_t depth = 0, end = 0;
        for (; end < f.size(); ++end) {
            const char c = f[end];
            if (c == '<') ++depth;
            else if (c == '>') { if (depth == 0) break; --depth; }
            else if ((c == ';' || c == ']') && depth == 0) break;
        }
        std::string label(f.substr(0, end));
        // libstdc++'s inline ABI namespace is noise in a benchmark name.
        for (std::size_t at; (at = label.find("__cxx11::")) != std::string::npos;) label.erase(at, 9);
        if (label == "std::basic_string<char>") label = "std::string";
        return label;
    }
#endif
    return "type";
}

template <class... Types>
struct TypedRegistrar {
    template <class MakeBody>
    TypedRegistrar(const char* family, MakeBody make) {
        (add_one<Types>(family, make), ...);
    }
    template <class T, class MakeBody>
    static void add_one(const char* family, MakeBody make) {
        Registration r;
        r.name = std::string(family) + "/" + type_label<T>();
        r.family = family;
        r.body = make(static_cast<T*>(nullptr));
        registry().push_back(std::move(r));
    }
};

template <class Derived>
struct FixtureRegistrar {
    explicit FixtureRegistrar(const char* name) {
        auto holder = std::make_shared<std::unique_ptr<Derived>>();
        Registration r;
        r.name = name;
        r.body = [holder](Bench& bench) {
            if (!*holder) {
                auto fixture = std::make_unique<Derived>();
                fixture->setup(bench);
                *holder = std::move(fixture);
            }
            (*holder)->body(bench);
        };
        r.finish = [holder] {
            if (*holder) {
                (*holder)->teardown();
                holder->reset();
            }
        };
        registry().push_back(std::move(r));
    }
};

// Names must be non-empty and unique (any other bytes are fine: every output escapes them); a
// group's gate must be a metric. Returns "" or the problem.
inline std::string validate(const std::vector<Registration>& all) {
    NameIndexOf<const Registration> names;
    for (const Registration& r : all) {
        if (r.name.empty()) return "a benchmark has an empty name";
        if (names.add(r) != &r) return "benchmark name \"" + r.name + "\" is registered twice";
    }
    for (const auto& [prefix, settings] : groups()) {
        const std::string& g = settings.thresholds.gate;
        if (!g.empty() && g != "time" && g != "instructions" && g != "allocations" && g != "memory")
            return "group \"" + prefix + "\" gates on '" + g + "'; expected time, instructions, allocations or memory";
    }
    return {};
}

}  // namespace benchgate

// BENCHGATE_BENCH("group/name") { ... bench.run([&] { return work(); }); }
#define BENCHGATE_BENCH(name) BENCHGATE_BENCH_IMPL_(name, BENCHGATE_CAT(benchgate_body_, __COUNTER__))
#define BENCHGATE_BENCH_IMPL_(name, fn)                                                         \
    static void fn(::benchgate::Bench& bench);                                                   \
    static const ::benchgate::Registrar BENCHGATE_CAT(fn, _registrar){name, &fn};                \
    static void fn([[maybe_unused]] ::benchgate::Bench& bench)

// BENCHGATE_BENCH_P("frame/encode", benchgate::range(64, 4096, 4)) { auto n = bench.param(); ... }
// BENCHGATE_BENCH_P("frame/encode", {16, 64, 256}) { ... }
// BENCHGATE_BENCH_P("pool/get", benchgate::Params().axis("size", {8, 64}).axis("threads", {1, 2})) { ... }
#define BENCHGATE_BENCH_P(name, ...) \
    BENCHGATE_BENCH_P_IMPL_(name, BENCHGATE_CAT(benchgate_body_, __COUNTER__), __VA_ARGS__)
#define BENCHGATE_BENCH_P_IMPL_(name, fn, ...)                                                                   \
    static void fn(::benchgate::Bench& bench);                                                                    \
    static const ::benchgate::ParamRegistrar BENCHGATE_CAT(fn, _registrar){name, ::benchgate::Params(__VA_ARGS__), &fn}; \
    static void fn([[maybe_unused]] ::benchgate::Bench& bench)

// BENCHGATE_BENCH_TYPED("container/push_back", T, std::vector<int>, std::deque<int>) { T c; ... }
// registers "container/push_back/std::vector<int>" and "container/push_back/std::deque<int>".
#define BENCHGATE_BENCH_TYPED(name, T, ...) \
    BENCHGATE_BENCH_TYPED_IMPL_(name, T, BENCHGATE_CAT(benchgate_body_, __COUNTER__), __VA_ARGS__)
#define BENCHGATE_BENCH_TYPED_IMPL_(name, T, fn, ...)                                              \
    template <class T>                                                                              \
    static void fn(::benchgate::Bench& bench);                                                      \
    static const ::benchgate::TypedRegistrar<__VA_ARGS__> BENCHGATE_CAT(fn, _registrar){            \
        name, [](auto* tag) {                                                                       \
            using Type = std::remove_pointer_t<decltype(tag)>;                                      \
            return ::benchgate::Body(&fn<Type>);                                                    \
        }};                                                                                         \
    template <class T>                                                                              \
    static void fn([[maybe_unused]] ::benchgate::Bench& bench)

// struct Db : benchgate::Fixture { void setup(benchgate::Bench&) override; void teardown() override; };
// BENCHGATE_FIXTURE(Db, "db/query") { bench.run([&] { return query(); }); }  // members of Db in scope
#define BENCHGATE_FIXTURE(FixtureType, name) \
    BENCHGATE_FIXTURE_IMPL_(FixtureType, name, BENCHGATE_CAT(benchgate_fixture_, __COUNTER__))
#define BENCHGATE_FIXTURE_IMPL_(FixtureType, name, cls)                                           \
    namespace {                                                                                    \
    struct cls : FixtureType {                                                                     \
        void body(::benchgate::Bench& bench);                                                      \
    };                                                                                             \
    const ::benchgate::FixtureRegistrar<cls> BENCHGATE_CAT(cls, _registrar){name};                 \
    }                                                                                              \
    void cls::body([[maybe_unused]] ::benchgate::Bench& bench)

// BENCHGATE_GROUP("e2e", benchgate::GroupSettings{}.with_samples(20).with_threshold_pct(25));
#define BENCHGATE_GROUP(prefix, settings) \
    static const bool BENCHGATE_CAT(benchgate_group_, __COUNTER__) = ::benchgate::set_group(prefix, settings)
