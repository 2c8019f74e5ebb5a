// SPDX-License-Identifier: Apache-2.0
// json (one array) and ndjson (one object per line): each backup exactly as the API sent it,
// or only the chosen fields, with ClusterId as the first key when several clusters are listed.
// On a terminal, C1 controls, DEL, bidi controls and U+2028/U+2029 are written as \uXXXX
// escapes (dump() escapes C0 itself): the same JSON data, but it cannot drive the terminal.
#pragma once

#include <string>

#include "render/chunked_text.h"
#include "render/renderer.h"

namespace tidb_backups {

class JsonRenderer final : public Renderer {
  public:
    JsonRenderer(const RenderOptions& options, std::ostream& out);
    void add(const BackupRow& row) override;
    void finish() override;
    bool streams() const override { return !array_; }
    void mark() override;
    void discard_since_mark() override;

  private:
    // The object written for `row`: select(), then the times in the chosen format.
    BackupObject shape(const BackupRow& row) const;
    // The API's object, or the chosen fields of it (ClusterId first with several clusters).
    BackupObject select(const BackupRow& row) const;

    RenderOptions options_;
    std::ostream& out_;
    bool array_;
    bool first_ = true;
    ChunkedText pending_;  // the json array until finish()
    ChunkedText::Mark mark_ = 0;
    bool first_at_mark_ = true;
};

}  // namespace tidb_backups
