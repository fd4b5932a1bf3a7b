package io.paywatch.processor.state;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * One unit of work over a processor's key-value stores: between {@link #begin()} and {@link #commit()} every write
 * to a store wrapped by {@link #stage} is held in memory (reads see it), and {@link #rollback()} drops them all.
 * {@link #commit()} writes them to the real stores. So an event is applied to the stores whole or not at all, even
 * when the code that applies it throws half-way (issue 12, "Half-applied events").
 *
 * <p>Outside a unit of work (punctuation) the wrapped stores write through. Not thread-safe: one per processor.
 * <p>Bound: the staged writes of one event (a few entries), emptied at every commit or rollback.
 */
public final class WriteStage {

    private final List<StagedStore<?>> stores = new ArrayList<>();
    private boolean open;

    /**
     * Wraps {@code store} so its writes are staged while a unit of work is open. Values are held serialized with
     * {@code serde} (a read returns a fresh copy, as the real store does, so a value changed after its put is not
     * changed in the stage either).
     */
    public <V> KeyValueStore<String, V> stage(KeyValueStore<String, V> store, Serde<V> serde) {
        StagedStore<V> staged = new StagedStore<>(this, store, serde);
        stores.add(staged);
        return staged;
    }

    /** Opens a unit of work. */
    public void begin() {
        if (open) {
            throw new IllegalStateException("a unit of work is already open");
        }
        open = true;
    }

    /** Writes every staged write to its store and closes the unit of work. */
    public void commit() {
        open = false;
        for (StagedStore<?> store : stores) {
            store.flushStaged();
        }
    }

    /** Drops every staged write and closes the unit of work. */
    public void rollback() {
        open = false;
        for (StagedStore<?> store : stores) {
            store.dropStaged();
        }
    }

    /** Whether a unit of work is open. */
    public boolean isOpen() {
        return open;
    }

    /** Staged writes over all stores (0 outside a unit of work); for tests of the bound. */
    public int stagedWrites() {
        int n = 0;
        for (StagedStore<?> store : stores) {
            n += store.stagedSize();
        }
        return n;
    }
}
