package io.paywatch.schemas;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientKeyTest {

    @Test
    void roundTripsAndSplitsAtTheFirstSeparator() {
        String key = ClientKey.of("t1", "Acme | Sons");
        assertThat(key).isEqualTo("t1|Acme | Sons");
        assertThat(ClientKey.parse(key)).isEqualTo(new ClientKey("t1", "Acme | Sons"));
        assertThat(key).startsWith(ClientKey.tenantPrefix("t1"));
    }

    @Test
    void rejectsTenantsThatWouldBreakPrefixScans() {
        assertThatThrownBy(() -> ClientKey.of("a|b", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientKey.parse("no-separator")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientKey.parse("t1|")).isInstanceOf(IllegalArgumentException.class);
    }
}
