package dev.otelllm.providers;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a tiny, deterministic GGUF model (llama architecture, F32, 2 layers, 64 dimensions, a
 * byte-fallback vocabulary of 259 tokens) that llama.cpp loads and runs: its answers are nonsense,
 * but tokens, streaming and timing are real. For tests and for running offline without a model
 * download. Same bytes every time.
 */
final class TinyGguf {
  private TinyGguf() {}

  static final int EMBED = 64;
  static final int LAYERS = 2;
  static final int HEADS = 4;
  static final int FFN = 128;
  static final int CONTEXT = 512;
  private static final int ALIGN = 32;

  private static final int T_UINT32 = 4;
  private static final int T_INT32 = 5;
  private static final int T_FLOAT32 = 6;
  private static final int T_STRING = 8;
  private static final int T_ARRAY = 9;

  /** Writes the model to {@code file} (replacing it) and returns the file. */
  static Path write(Path file) throws IOException {
    List<String> tokens = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    tokens.add("<unk>");
    types.add(2);
    tokens.add("<s>");
    types.add(3);
    tokens.add("</s>");
    types.add(3);
    for (int b = 0; b < 256; b++) {
      tokens.add(String.format("<0x%02X>", b));
      types.add(6);
    }
    for (int i = 0; i < tokens.size(); i++) {
      scores.add(0f);
    }
    int vocab = tokens.size();

    Map<String, Object[]> kv = new LinkedHashMap<>();
    kv.put("general.architecture", new Object[] {T_STRING, "llama"});
    kv.put("general.name", new Object[] {T_STRING, "otel-llm tiny test model"});
    kv.put("llama.context_length", new Object[] {T_UINT32, CONTEXT});
    kv.put("llama.embedding_length", new Object[] {T_UINT32, EMBED});
    kv.put("llama.block_count", new Object[] {T_UINT32, LAYERS});
    kv.put("llama.feed_forward_length", new Object[] {T_UINT32, FFN});
    kv.put("llama.attention.head_count", new Object[] {T_UINT32, HEADS});
    kv.put("llama.attention.head_count_kv", new Object[] {T_UINT32, HEADS});
    kv.put("llama.rope.dimension_count", new Object[] {T_UINT32, EMBED / HEADS});
    kv.put("llama.attention.layer_norm_rms_epsilon", new Object[] {T_FLOAT32, 1e-5f});
    kv.put("tokenizer.ggml.model", new Object[] {T_STRING, "llama"});
    kv.put("tokenizer.ggml.tokens", new Object[] {T_ARRAY, T_STRING, tokens});
    kv.put("tokenizer.ggml.scores", new Object[] {T_ARRAY, T_FLOAT32, scores});
    kv.put("tokenizer.ggml.token_type", new Object[] {T_ARRAY, T_INT32, types});
    kv.put("tokenizer.ggml.unknown_token_id", new Object[] {T_UINT32, 0});
    kv.put("tokenizer.ggml.bos_token_id", new Object[] {T_UINT32, 1});
    kv.put("tokenizer.ggml.eos_token_id", new Object[] {T_UINT32, 2});

    Map<String, long[]> tensors = new LinkedHashMap<>();
    tensors.put("token_embd.weight", new long[] {EMBED, vocab});
    for (int l = 0; l < LAYERS; l++) {
      String p = "blk." + l + ".";
      tensors.put(p + "attn_norm.weight", new long[] {EMBED});
      tensors.put(p + "attn_q.weight", new long[] {EMBED, EMBED});
      tensors.put(p + "attn_k.weight", new long[] {EMBED, EMBED});
      tensors.put(p + "attn_v.weight", new long[] {EMBED, EMBED});
      tensors.put(p + "attn_output.weight", new long[] {EMBED, EMBED});
      tensors.put(p + "ffn_norm.weight", new long[] {EMBED});
      tensors.put(p + "ffn_gate.weight", new long[] {EMBED, FFN});
      tensors.put(p + "ffn_up.weight", new long[] {EMBED, FFN});
      tensors.put(p + "ffn_down.weight", new long[] {FFN, EMBED});
    }
    tensors.put("output_norm.weight", new long[] {EMBED});
    tensors.put("output.weight", new long[] {EMBED, vocab});

    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      Out out = new Out(raw);
      out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
      out.u32(3);
      out.u64(tensors.size());
      out.u64(kv.size());
      for (Map.Entry<String, Object[]> e : kv.entrySet()) {
        out.string(e.getKey());
        Object[] v = e.getValue();
        int type = (Integer) v[0];
        out.u32(type);
        if (type == T_ARRAY) {
          int elem = (Integer) v[1];
          List<?> items = (List<?>) v[2];
          out.u32(elem);
          out.u64(items.size());
          for (Object item : items) {
            out.value(elem, item);
          }
        } else {
          out.value(type, v[1]);
        }
      }
      long offset = 0;
      for (Map.Entry<String, long[]> t : tensors.entrySet()) {
        out.string(t.getKey());
        long[] dims = t.getValue();
        out.u32(dims.length);
        for (long d : dims) {
          out.u64(d);
        }
        out.u32(0); // F32
        out.u64(offset);
        offset += pad(elements(dims) * 4);
      }
      out.pad();
      int seed = 1;
      for (Map.Entry<String, long[]> t : tensors.entrySet()) {
        long n = elements(t.getValue());
        boolean norm = t.getKey().endsWith("norm.weight");
        for (long i = 0; i < n; i++) {
          // Norms are 1; weights a small deterministic pattern, different per tensor.
          out.f32(norm ? 1f : (float) (0.08 * Math.sin(seed * 12.9898 + i * 78.233)));
        }
        seed++;
        out.pad();
      }
    }
    return file;
  }

  private static long elements(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  private static long pad(long n) {
    return (n + ALIGN - 1) / ALIGN * ALIGN;
  }

  /** Little-endian writer that keeps count for alignment. */
  private static final class Out {
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    Out(OutputStream out) {
      this.out = out;
    }

    void bytes(byte[] b) throws IOException {
      out.write(b);
      written += b.length;
    }

    void u32(long v) throws IOException {
      buf.clear();
      buf.putInt((int) v);
      bytes(java.util.Arrays.copyOf(buf.array(), 4));
    }

    void u64(long v) throws IOException {
      buf.clear();
      buf.putLong(v);
      bytes(java.util.Arrays.copyOf(buf.array(), 8));
    }

    void f32(float v) throws IOException {
      buf.clear();
      buf.putFloat(v);
      bytes(java.util.Arrays.copyOf(buf.array(), 4));
    }

    void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u64(b.length);
      bytes(b);
    }

    void value(int type, Object v) throws IOException {
      switch (type) {
        case T_UINT32, T_INT32 -> u32(((Number) v).longValue());
        case T_FLOAT32 -> f32(((Number) v).floatValue());
        case T_STRING -> string((String) v);
        default -> throw new IllegalArgumentException("type " + type);
      }
    }

    void pad() throws IOException {
      long rest = TinyGguf.pad(written) - written;
      bytes(new byte[(int) rest]);
    }
  }
}
