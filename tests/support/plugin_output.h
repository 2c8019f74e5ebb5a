// SPDX-License-Identifier: Apache-2.0
// A strict reader of monitoring-plugin output, per the monitoring-plugins development
// guidelines (and Nagios' plugin API): "SERVICE STATUS - text | perfdata", then long output
// lines, where a '|' in the long output starts more perfdata up to the end. Perfdata items are
// space separated, each 'label'=value[UOM];[warn];[crit];[min];[max]: a label quoted in single
// quotes (a quote inside doubled, required when it has spaces) with no '=' in it; the value a
// number or "U"; UOM one of s ms us % B KB MB TB c; warn and crit thresholds in the range
// format ([@][~|number]:[number], or a number); min and max numbers. Anything else throws
// std::runtime_error naming what broke, so a test can assert that our output parses.
#pragma once

#include <cstddef>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tidb_backups::testing {

struct PerfDatum {
    std::string label;  // unquoted, '' undone
    std::string value;  // "U" or a number as written
    std::string uom;
    std::string warn;
    std::string crit;
    std::string min;
    std::string max;
};

struct PluginOutput {
    std::string status;   // OK, WARNING, CRITICAL or UNKNOWN
    std::string summary;  // the first line's text after "SERVICE STATUS - ", trimmed
    std::vector<PerfDatum> perfdata;
    std::vector<std::string> long_output;
};

namespace plugin_output_detail {

inline void fail(const std::string& what, std::string_view where) {
    throw std::runtime_error(what + " in: " + std::string(where));
}

inline std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(' ');
    return std::string(text.substr(first, last - first + 1));
}

// One item starting at text[i]; moves i past it.
inline PerfDatum parse_datum(std::string_view text, std::size_t& i) {
    PerfDatum datum;
    if (text[i] == '\'') {
        ++i;
        for (;;) {
            if (i >= text.size()) {
                fail("unterminated quoted label", text);
            }
            if (text[i] == '\'') {
                if (i + 1 < text.size() && text[i + 1] == '\'') {
                    datum.label += '\'';
                    i += 2;
                    continue;
                }
                ++i;
                break;
            }
            datum.label += text[i++];
        }
    } else {
        while (i < text.size() && text[i] != '=' && text[i] != ' ') {
            if (text[i] == '\'') {
                fail("a quote inside an unquoted label", text);
            }
            datum.label += text[i++];
        }
    }
    if (datum.label.empty()) {
        fail("an empty label", text);
    }
    if (datum.label.find('=') != std::string::npos) {
        fail("'=' inside a label", text);
    }
    if (i >= text.size() || text[i] != '=') {
        fail("no '=' after the label '" + datum.label + "'", text);
    }
    ++i;
    const std::size_t end = std::min(text.find(' ', i), text.size());
    const std::string rest(text.substr(i, end - i));
    i = end;

    static const std::regex item(R"(^(U|-?[0-9]+(?:\.[0-9]+)?)(s|ms|us|%|B|KB|MB|TB|c)?)"
                                 R"((?:;([^;]*)(?:;([^;]*)(?:;([^;]*)(?:;([^;]*))?)?)?)?$)");
    std::smatch match;
    if (!std::regex_match(rest, match, item)) {
        fail("perfdata value '" + rest + "' is not value[UOM];warn;crit;min;max", text);
    }
    datum.value = match[1];
    datum.uom = match[2];
    if (datum.value == "U" && !datum.uom.empty()) {
        fail("a unit after U", text);
    }
    datum.warn = match[3];
    datum.crit = match[4];
    datum.min = match[5];
    datum.max = match[6];
    static const std::regex range(R"(^(@?(~|-?[0-9]+(\.[0-9]+)?)?:?(-?[0-9]+(\.[0-9]+)?)?)?$)");
    static const std::regex number(R"(^(-?[0-9]+(\.[0-9]+)?)?$)");
    for (const std::string* threshold : {&datum.warn, &datum.crit}) {
        if (!std::regex_match(*threshold, range)) {
            fail("threshold '" + *threshold + "' is not a range", text);
        }
    }
    for (const std::string* bound : {&datum.min, &datum.max}) {
        if (!std::regex_match(*bound, number)) {
            fail("min/max '" + *bound + "' is not a number", text);
        }
    }
    return datum;
}

inline void parse_perfdata(std::string_view text, std::vector<PerfDatum>& out) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == ' ') {
            ++i;
            continue;
        }
        out.push_back(parse_datum(text, i));
        if (i < text.size() && text[i] != ' ') {
            fail("no space between perfdata items", text);
        }
    }
}

}  // namespace plugin_output_detail

// Parses the whole output of a plugin whose first line must start "<service> <STATUS> - ".
inline PluginOutput parse_plugin_output(std::string_view text, std::string_view service) {
    using namespace plugin_output_detail;
    if (text.empty() || text.back() != '\n') {
        fail("output does not end in a newline", text);
    }
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    PluginOutput output;
    std::string_view first = lines[0];
    const std::size_t bar = first.find('|');
    std::string_view head = first.substr(0, bar);
    static const std::regex status_line(R"(^(\S.*?) (OK|WARNING|CRITICAL|UNKNOWN) - (.*\S) *$)");
    const std::string head_text(head);
    std::smatch match;
    if (!std::regex_match(head_text, match, status_line)) {
        fail("first line is not 'SERVICE STATUS - text'", first);
    }
    if (match[1] != std::string(service)) {
        fail("service is '" + std::string(match[1]) + "'", first);
    }
    output.status = match[2];
    output.summary = trim(std::string(match[3]));
    if (bar != std::string_view::npos) {
        parse_perfdata(first.substr(bar + 1), output.perfdata);
    }
    bool in_perfdata = false;
    for (std::size_t n = 1; n < lines.size(); ++n) {
        std::string_view line = lines[n];
        if (in_perfdata) {
            parse_perfdata(line, output.perfdata);
            continue;
        }
        const std::size_t long_bar = line.find('|');
        output.long_output.emplace_back(line.substr(0, long_bar));
        if (long_bar != std::string_view::npos) {
            in_perfdata = true;
            parse_perfdata(line.substr(long_bar + 1), output.perfdata);
        }
    }
    return output;
}

}  // namespace tidb_backups::testing
