package io.paywatch.processor.state;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unit of work of one event (issue 12): staged writes are seen by reads and scans (in the real store's key
 * order, UTF-8 bytes), written on commit, dropped on rollback; nothing stays staged after either (its bound).
 */
class WriteStageTest {

    /** A key-value store over a TreeMap in UTF-8 byte order, like RocksDB and the in-memory store. */
    static final class MapStore implements KeyValueStore<String, String> {
        final TreeMap<String, String> map = new TreeMap<>(StagedStore.CODE_POINT_ORDER);

        @Override public void put(String k, String v) { if (v == null) { map.remove(k); } else { map.put(k, v); } }
        @Override public String putIfAbsent(String k, String v) { return map.putIfAbsent(k, v); }
        @Override public void putAll(List<KeyValue<String, String>> entries) { entries.forEach(e -> put(e.key, e.value)); }
        @Override public String delete(String k) { return map.remove(k); }
        @Override public String get(String k) { return map.get(k); }
        @Override public KeyValueIterator<String, String> range(String from, String to) {
            return iterator((from == null ? map : map.tailMap(from, true)).entrySet().stream()
                    .filter(e -> to == null || StagedStore.CODE_POINT_ORDER.compare(e.getKey(), to) <= 0).iterator());
        }
        @Override public KeyValueIterator<String, String> all() { return iterator(map.entrySet().iterator()); }
        @Override public <PS extends Serializer<P>, P> KeyValueIterator<String, String> prefixScan(P prefix, PS s) {
            return iterator(map.tailMap((String) prefix, true).entrySet().stream()
                    .takeWhile(e -> e.getKey().startsWith((String) prefix)).iterator());
        }
        @Override public long approximateNumEntries() { return map.size(); }
        @Override public String name() { return "map"; }
        @Override public void init(StateStoreContext c, StateStore r) { }
        @Override public void close() { }
        @Override public boolean persistent() { return false; }
        @Override public boolean isOpen() { return true; }

        private static KeyValueIterator<String, String> iterator(Iterator<Map.Entry<String, String>> it) {
            List<KeyValue<String, String>> copy = new ArrayList<>();
            it.forEachRemaining(e -> copy.add(KeyValue.pair(e.getKey(), e.getValue())));
            Iterator<KeyValue<String, String>> c = copy.iterator();
            return new KeyValueIterator<>() {
                @Override public boolean hasNext() { return c.hasNext(); }
                @Override public KeyValue<String, String> next() { return c.next(); }
                @Override public void close() { }
                @Override public String peekNextKey() { throw new UnsupportedOperationException(); }
            };
        }
    }

    private static List<String> drain(KeyValueIterator<String, String> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(e -> out.add(e.key + "=" + e.value));
        }
        return out;
    }

    @Test
    void stagedWritesAreReadBackCommittedWholeOrDroppedWhole() {
        MapStore real = new MapStore();
        real.put("a|1", "x");
        real.put("a|2", "y");
        WriteStage stage = new WriteStage();
        KeyValueStore<String, String> store = stage.stage(real, Serdes.String());

        stage.begin();
        store.put("a|3", "z");
        store.delete("a|1");
        store.put("a|2", "y2");
        assertThat(store.get("a|1")).isNull();
        assertThat(store.get("a|2")).isEqualTo("y2");
        assertThat(drain(store.prefixScan("a|", new StringSerializer()))).containsExactly("a|2=y2", "a|3=z");
        assertThat(real.map).containsOnlyKeys("a|1", "a|2").containsEntry("a|2", "y");
        stage.rollback();
        assertThat(stage.stagedWrites()).isZero();
        assertThat(real.map).containsOnlyKeys("a|1", "a|2").containsEntry("a|2", "y");
        assertThat(store.get("a|1")).isEqualTo("x");

        stage.begin();
        store.put("a|3", "z");
        store.delete("a|1");
        stage.commit();
        assertThat(stage.stagedWrites()).isZero();
        assertThat(real.map).containsOnlyKeys("a|2", "a|3");
        store.put("b", "outside a unit of work writes through");
        assertThat(real.map).containsKey("b");
    }

    @Test
    void mergedScansEqualTheScansOfTheWrittenStoreOnRandomWrites() {
        Random random = new Random(20261201);
        String[] alphabet = {"0", "1", "|", "\u001F", "\u0002", "z", "\u00e9", "\uD83D\uDE00", "\uFFFD"};
        for (int round = 0; round < 200; round++) {
            MapStore real = new MapStore();
            MapStore truth = new MapStore();
            for (int i = 0; i < 20; i++) {
                String k = key(random, alphabet);
                real.put(k, "v" + i);
                truth.put(k, "v" + i);
            }
            WriteStage stage = new WriteStage();
            KeyValueStore<String, String> store = stage.stage(real, Serdes.String());
            stage.begin();
            for (int i = 0; i < 15; i++) {
                String k = key(random, alphabet);
                if (random.nextBoolean()) {
                    store.put(k, "w" + i);
                    truth.put(k, "w" + i);
                } else {
                    store.delete(k);
                    truth.delete(k);
                }
            }
            String from = key(random, alphabet);
            String to = key(random, alphabet);
            String prefix = alphabet[random.nextInt(alphabet.length)];
            assertThat(drain(store.all())).isEqualTo(drain(truth.all()));
            assertThat(drain(store.range(from, to))).as("range %s..%s", from, to)
                    .isEqualTo(drain(truth.range(from, to)));
            assertThat(drain(store.range(null, to))).isEqualTo(drain(truth.range(null, to)));
            assertThat(drain(store.prefixScan(prefix, new StringSerializer())))
                    .isEqualTo(drain(truth.prefixScan(prefix, new StringSerializer())));
            stage.commit();
            assertThat(real.map).isEqualTo(truth.map);
        }
    }

    private static String key(Random random, String[] alphabet) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            sb.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }
}
