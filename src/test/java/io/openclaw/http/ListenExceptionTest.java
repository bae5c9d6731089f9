package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ListenExceptionTest {
  @Test
  void namesTheAddressAndTheReason() {
    assertThat(new ListenException("127.0.0.1", 8080, new BindException("Address already in use")))
        .hasMessage("cannot listen on 127.0.0.1:8080: Address already in use");
  }

  @Test
  void anIpv6AddressIsBracketedOnce() {
    assertThat(new ListenException("::1", 8080, new BindException("Address already in use")))
        .hasMessage("cannot listen on [::1]:8080: Address already in use");
    assertThat(new ListenException("[::1]", 8080, new BindException("Address already in use")))
        .hasMessage("cannot listen on [::1]:8080: Address already in use");
  }

  @Test
  void aNameThatDoesNotResolveIsAnUnknownHostWithoutTheResolverDetails() {
    UnknownHostException cause = new UnknownHostException("Failed to resolve 'nosuch.invalid' [A(1), AAAA(28)]");

    assertThat(new ListenException("nosuch.invalid", 8080, cause))
        .hasMessage("cannot listen on nosuch.invalid:8080: unknown host");
  }
}
