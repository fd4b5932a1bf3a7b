package io.paywatch.processor.responsiveness;

import io.paywatch.contract.MessageEvent;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.paywatch.processor.responsiveness.TrackerHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, bounded state: ghosted threads (sent, never answered, past the ghosting deadline) are kept to measure a
 * late reply, but not for ever: each is dropped the state horizon (400 days by default) after its last message, and a
 * client keeps at most {@link ResponsivenessTracker#MAX_GHOSTED_THREADS} of them (its oldest go first). Tenant in
 * UTC with the default settings; 2025-03-05 is a Wednesday.
 */
class GhostedThreadBoundsTest {

    private static final String T = "t1";
    private static final String C = "c1";
    private static final String KEY = ClientKey.of(T, C);
    private static final String OTHER = ClientKey.of(T, "other");
    private static final Instant SENT = Instant.parse("2025-03-05T10:00:00Z");
    private static final Duration HORIZON = Duration.ofDays(400);

    private final TrackerHarness harness = new TrackerHarness();
    private TopologyTestDriver driver;
    private TestInputTopic<String, MessageEvent> messages;

    @BeforeEach
    void start() throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ghosted-bounds");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("paywatch-ghosted-").toString());
        driver = new TopologyTestDriver(harness.topology(), props, Instant.parse("2030-01-01T00:00:00Z"));
        messages = driver.createInputTopic(Topics.MESSAGE_EVENTS.name(), Serdes.String().serializer(),
                Topics.MESSAGE_EVENTS.valueSerde().serializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void pipe(String key, MessageEvent event, Instant at) {
        messages.pipeInput(key, event, at);
    }

    /** Moves stream time to {@code at} with another client's message (the stream-time punctuator runs onTime). */
    private void streamTimeTo(Instant at) {
        pipe(OTHER, sent(T, "other", "clock-" + at.toEpochMilli(), at.toString(), false), at);
    }

    private TreeSet<String> threadsOf(String clientKey) {
        KeyValueStore<String, OpenThread> store = driver.getKeyValueStore(ResponsivenessStores.OPEN_THREADS);
        TreeSet<String> ids = new TreeSet<>();
        try (KeyValueIterator<String, OpenThread> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, OpenThread> e = it.next();
                if (e.value.clientKey.equals(clientKey)) {
                    ids.add(e.value.threadId);
                }
            }
        }
        return ids;
    }

    private int openThreadsInSummary() {
        KeyValueStore<String, ClientResponsiveness> store = driver.getKeyValueStore(
                ResponsivenessStores.RESPONSIVENESS_STATE);
        return store.get(KEY).openThreads;
    }

    @Test
    void aGhostedThreadIsDroppedTheHorizonAfterItsLastMessageAndAFollowUpKeepsItLonger() {
        pipe(KEY, sent(T, C, "th-1", SENT.toString(), true), SENT);
        pipe(KEY, sent(T, C, "th-2", SENT.toString(), true), SENT);
        streamTimeTo(SENT.plus(Duration.ofDays(30))); // both ghosted (deadline: 5 business days)
        assertThat(threadsOf(KEY)).containsExactly("th-1", "th-2");
        Instant followUp = SENT.plus(Duration.ofDays(100));
        pipe(KEY, sent(T, C, "th-2", followUp.toString(), true), followUp);

        streamTimeTo(SENT.plus(HORIZON).minus(Duration.ofHours(1)));
        assertThat(threadsOf(KEY)).as("within the horizon").containsExactly("th-1", "th-2");
        streamTimeTo(SENT.plus(HORIZON).plus(Duration.ofHours(1)));
        assertThat(threadsOf(KEY)).as("th-1 past it; th-2's follow-up is not").containsExactly("th-2");
        assertThat(openThreadsInSummary()).isEqualTo(1);
        streamTimeTo(followUp.plus(HORIZON).plus(Duration.ofHours(1)));
        assertThat(threadsOf(KEY)).isEmpty();
        assertThat(openThreadsInSummary()).isZero();
        assertThat(driver.getKeyValueStore(ResponsivenessStores.REPLY_DEADLINES).approximateNumEntries())
                .as("no deadline left behind").isZero();
    }

    @Test
    void aClientKeepsAtMostTheCapOfGhostedThreadsItsNewest() {
        int sentCount = ResponsivenessTracker.MAX_GHOSTED_THREADS + 5;
        for (int i = 0; i < sentCount; i++) {
            Instant at = SENT.plus(Duration.ofMinutes(i));
            pipe(KEY, sent(T, C, String.format("th-%03d", i), at.toString(), true), at);
        }
        streamTimeTo(SENT.plus(Duration.ofDays(30)));
        // Truth: the newest MAX_GHOSTED_THREADS by their (only) message.
        TreeSet<String> expected = IntStream.range(sentCount - ResponsivenessTracker.MAX_GHOSTED_THREADS, sentCount)
                .mapToObj(i -> String.format("th-%03d", i)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(threadsOf(KEY)).isEqualTo(expected);
        assertThat(openThreadsInSummary()).isEqualTo(ResponsivenessTracker.MAX_GHOSTED_THREADS);
        // Another client's threads are not touched by this client's bound.
        assertThat(threadsOf(OTHER)).isEmpty();
    }
}
