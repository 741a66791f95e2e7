package dev.otelllm.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.examples.support.CapturedRun;
import org.junit.jupiter.api.Test;

class SpringAiExampleTest {

  /** A table row: number, step, attempt, model, tokens in and out, any ms, finish, sent text. */
  private static String row(
      int n, String step, int attempt, int in, int out, String finish, String sent) {
    return CapturedRun.stepRow(
        n, step, String.valueOf(attempt), "gpt-4o-mini-2024-07-18", in, out, finish, sent);
  }

  @Test
  void runsOffline_andPrintsOneRowPerModelCallOfTheSession() {
    CapturedRun run = CapturedRun.of(SpringAiExample::run);
    String printed = run.printed();

    assertThat(run.errors()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(printed)
        .contains("data:        The ages are in df['age'], an int64 column with 1204 rows.")
        .contains("code, attempt 1 rejected: SyntaxError: '(' on line 2 was never closed")
        .contains("code:        import matplotlib.pyplot as plt | plt.hist(df['age'], bins=20) |")
        .contains(
            "methodology: Customer ages were grouped into 20 equal-width bins and plotted as a"
                + " histogram to show their distribution.")
        .containsPattern(
            row(1, "inspect_data", 1, 97, 15, "tool_call", "Which column of df holds the"))
        .containsPattern(
            row(2, "inspect_data", 1, 142, 19, "stop", "[tool result] \"df: 1204 rows; columns"))
        .containsPattern(
            row(
                3,
                "code_generation",
                1,
                61,
                38,
                "stop",
                "Write Python code that plots a histogram of df['age']."))
        .containsPattern(
            row(
                4,
                "code_generation",
                2,
                118,
                44,
                "stop",
                "The previous code failed with error: SyntaxError"))
        .containsPattern(row(5, "methodology", 1, 71, 22, "stop", "Describe the method of this"))
        .doesNotContainPattern("(?m)^6 ")
        .containsPattern(
            "5 interactions, 489 tokens in, 138 out, \\d+\\.\\d ms in the model;"
                + " tool calls: describe_dataframe\\(name=df\\)");
  }

  @Test
  void codeWhoseBracketsDoNotCloseIsRejected() {
    assertThat(SpringAiExample.checkCode("plt.hist(df['age'], bins=20\nplt.show()"))
        .hasValue("SyntaxError: '(' on line 1 was never closed");
    assertThat(SpringAiExample.checkCode("x = [1, 2)"))
        .hasValue("SyntaxError: unmatched ')' on line 1");
    assertThat(SpringAiExample.checkCode("plt.hist(df['age'])\nplt.show()")).isEmpty();
  }
}
