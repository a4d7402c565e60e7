package io.shiftrec.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TransferBlendTest {
  @Test
  void transferShareShrinksWithNativeHistory() {
    assertEquals(1f, TransferBlend.transferShare(4f, 0));
    assertEquals(0.5f, TransferBlend.transferShare(4f, 4));
    assertEquals(0.2f, TransferBlend.transferShare(4f, 16), 1e-6);
    assertEquals(0f, TransferBlend.transferShare(0f, 1));
    assertEquals(1f, TransferBlend.transferShare(0f, 0));
  }
}
