package io.paywatch.schemas;

import org.junit.jupiter.api.Test;

import java.util.HashSet;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    @Test
    void topicsAreKebabCaseAndUnique() {
        var names = new HashSet<String>();
        for (TopicSpec<?, ?> t : Topics.ALL) {
            assertThat(t.name()).matches("[a-z]+(-[a-z]+)*");
            assertThat(names.add(t.name())).as("duplicate " + t.name()).isTrue();
        }
    }

    @Test
    void profilesAndSettingsAreCompactedAndEventsTimeRetained() {
        assertThat(Topics.CLIENT_PROFILES.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.FREELANCER_SETTINGS.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.CLIENT_CONTACTS.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.MAIL_POSITIONS.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.INVOICE_EVENTS.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Topics.EVENT_RETENTION.toMillis()));
    }

    @Test
    void everyTopicAcceptsTimestampsAsFarAheadAsTheIngestionApiDoes() {
        Topics.ALL.forEach(t -> assertThat(t.configs())
                .containsEntry(TopicSpec.TIMESTAMP_AFTER_MAX_MS, Long.toString(TopicSpec.MAX_FUTURE_TIMESTAMP.toMillis())));
    }
}
