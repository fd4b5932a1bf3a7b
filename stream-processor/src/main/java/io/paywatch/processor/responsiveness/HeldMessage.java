package io.paywatch.processor.responsiveness;

import io.paywatch.contract.MessageEvent;

/** Value of a held-messages entry: a message event of a catch-up, waiting to be applied in event-time order. */
record HeldMessage(String clientKey, MessageEvent event) {
}
