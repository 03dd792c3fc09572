// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foxing.api.CopyReport;
import java.util.List;

/**
 * The {@code --json} document: one object, stable snake_case keys, documented in the site's fxcp
 * guide.
 */
final class JsonReport {
  private JsonReport() {}

  static String toJson(CopyReport r, List<String> sources, String target) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode o = m.createObjectNode();
    o.put("type", "report");
    o.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    o.put("exit_code", ExitCode.of(r.status()));
    ArrayNode src = o.putArray("sources");
    sources.forEach(src::add);
    o.put("target", target);
    o.put("dry_run", r.dryRun());
    o.put("files_copied", r.filesCopied());
    o.put("bytes_copied", r.bytesCopied());
    o.put("files_up_to_date", r.filesUpToDate());
    o.put("directories_created", r.directories());
    o.put("symlinks", r.symlinks());
    o.put("hard_links", r.hardLinks());
    o.put("specials", r.specials());
    o.put("metadata_updated", r.metadataUpdated());
    o.put("deleted", r.deleted());
    o.put("excluded", r.excluded());
    o.put("signatures_written", r.signaturesWritten());
    o.put("delta_files", r.deltaFiles());
    o.put("delta_bytes_saved", r.deltaBytesSaved());
    o.put("directories_unchanged", r.directoriesUnchanged());
    o.put("duration_ms", r.duration().toMillis());
    o.put("throttled_ms", r.throttled().toMillis());
    ObjectNode tiers = o.putObject("files_by_tier");
    r.filesByTier().forEach(tiers::put);
    ObjectNode xattrs = o.putObject("xattrs_not_preserved");
    r.xattrsNotPreserved().forEach(xattrs::put);
    ArrayNode failures = o.putArray("failures");
    for (CopyReport.Failure f : r.failures()) {
      ObjectNode failure =
          failures
              .addObject()
              .put("path", f.path())
              .put("reason", f.reason())
              .put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
      if (f.errno() != null) {
        failure.put("errno", f.errno());
      }
    }
    return o.toString();
  }
}
