package io.paywatch.schemas;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogSafeTest {

    @Test
    void lineBreaksAndTerminalEscapesBecomeVisibleEscapes() {
        String forged = "Globex\r\n12:00:00 ALERT  fake line\u001b[2K\u0085\u2028\u202e";
        String safe = LogSafe.escape(forged);
        assertThat(safe).isEqualTo("Globex\\r\\n12:00:00 ALERT  fake line\\u001b[2K\\u0085\\u2028\\u202e");
        assertThat(safe.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).isTrue();
    }

    @Test
    void ordinaryTextIsUnchangedAndBackslashesAreDoubled() {
        assertThat(LogSafe.escape("Zoë 東京 🙂 Ltd")).isEqualTo("Zoë 東京 🙂 Ltd");
        assertThat(LogSafe.escape("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(LogSafe.escape(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCut() {
        assertThat(LogSafe.escape("x".repeat(10_000))).hasSize(LogSafe.MAX_CHARS + 1).endsWith("…");
    }

    @Test
    void firstUnsafeFindsControlsSeparatorsOverridesAndLoneSurrogates() {
        assertThat(LogSafe.firstUnsafe("abc")).isEqualTo(-1);
        assertThat(LogSafe.firstUnsafe("ok 🙂 \u200d")).isEqualTo(-1); // a pair and a joiner are fine
        assertThat(LogSafe.firstUnsafe("a\nb")).isEqualTo(1);
        assertThat(LogSafe.firstUnsafe("ab\u001b")).isEqualTo(2);
        assertThat(LogSafe.firstUnsafe("a\u2029")).isEqualTo(1);
        assertThat(LogSafe.firstUnsafe("a\u2066")).isEqualTo(1);
        assertThat(LogSafe.firstUnsafe("a\ud800b")).isEqualTo(1);
        assertThat(LogSafe.firstUnsafe("a\udc00")).isEqualTo(1);
        assertThat(LogSafe.firstUnsafe("\u009b")).isEqualTo(0);
    }
}
