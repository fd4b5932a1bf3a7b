package io.paywatch.schemas;

import io.paywatch.contract.AlertType;
import org.junit.jupiter.api.Test;

import java.util.HashSet;

import static org.assertj.core.api.Assertions.assertThat;

class AlertFactsTest {

    @Test
    void everyAlertTypeListsOnlyDeclaredKeys() {
        assertThat(AlertFacts.REQUIRED.keySet()).containsExactlyInAnyOrder(AlertType.values());
        AlertFacts.REQUIRED.values().forEach(keys -> assertThat(AlertFacts.ALL).containsAll(keys));
        assertThat(new HashSet<>(AlertFacts.ALL)).hasSameSizeAs(AlertFacts.ALL);
    }
}
