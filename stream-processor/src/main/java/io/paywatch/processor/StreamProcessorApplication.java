package io.paywatch.processor;

import io.micronaut.runtime.Micronaut;

/** Entry point of the stream-processor service. */
public final class StreamProcessorApplication {

    private StreamProcessorApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(StreamProcessorApplication.class, args);
    }
}
