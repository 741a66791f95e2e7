package dev.otelllm.export;

import java.util.Locale;
import java.util.Objects;

/** The formats interactions can be exported to. */
public enum TraceFormat {
  /** One interaction per line, in the reference's map form. */
  JSONL("jsonl"),
  /** A JSON array of interactions in the reference's map form. */
  JSON("json"),
  /** A report: summary table, timeline (Mermaid gantt), then one section per interaction. */
  MARKDOWN("markdown"),
  /** A self-contained page: waterfall timeline, expandable interactions, filters. */
  HTML("html");

  private final String id;

  TraceFormat(String id) {
    this.id = id;
  }

  /** The format's name on the command line: jsonl, json, markdown or html. */
  public String id() {
    return id;
  }

  /**
   * The format of a name (case-insensitive; {@code md} for Markdown).
   *
   * @throws IllegalArgumentException naming the valid formats
   */
  public static TraceFormat fromName(String name) {
    Objects.requireNonNull(name, "name");
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("md")) {
      return MARKDOWN;
    }
    for (TraceFormat f : values()) {
      if (f.id.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown format '" + name + "': use jsonl, json, markdown or html");
  }
}
