// json (one array) and ndjson (one object per line): each backup exactly as the API sent it,
// or only the chosen fields, with ClusterId as the first key when several clusters are listed.
#pragma once

#include "render/renderer.h"

namespace tidb_backups {

class JsonRenderer final : public Renderer {
  public:
    JsonRenderer(const RenderOptions& options, std::ostream& out);
    void add(const BackupRow& row) override;
    void finish() override;

  private:
    BackupObject shape(const BackupRow& row) const;

    RenderOptions options_;
    std::ostream& out_;
    bool array_;
    bool first_ = true;
};

}  // namespace tidb_backups
