#!/usr/bin/perl
# ktap_parse.pl FILE: read a KTAP version 1 document with Perl's TAP::Parser and print
# what it found, one line per test, for a test to compare with what it expects:
#   <path> plan <N>
#   <path>.<n> <ok|not ok|skip> <description>[ # <skip reason>]
# where <path> is "top" or the parent's path and number ("top.2").
#
# TAP::Parser reads TAP 12/13, not KTAP's nesting: a subtest's lines, indented by two
# spaces (ktap.rst), are "unknown" lines to it. So each level is parsed on its own: the
# lines without indentation go to TAP::Parser; the indented lines before a result line
# are that test's subtest document, which is de-indented by two spaces and parsed the same
# way, recursively. Each level must start with "KTAP version 1", parse without errors,
# have a plan that matches its tests, and obey KTAP's rule that a test with a failing
# subtest fails. Exit 0 when the document is well formed, 1 (with the reason) otherwise.
use strict;
use warnings;
use TAP::Parser;

sub fail_with { print STDERR "ktap_parse: @_\n"; exit 1; }

sub parse_level {
	my ($path, @lines) = @_;
	fail_with("$path: does not start with 'KTAP version 1'") unless @lines && $lines[0] eq 'KTAP version 1';
	my (@own, %block, @pending);
	for my $line (@lines) {
		if ($line =~ /^  (.*)$/s) {
			push @pending, $1;
			next;
		}
		push @own, $line;
		if ($line =~ /^(?:not )?ok (\d+)/) {
			$block{$1} = [@pending] if @pending;
			@pending = ();
		}
	}
	fail_with("$path: indented lines after the last result") if @pending;
	my $parser = TAP::Parser->new({ tap => join("\n", @own) . "\n" });
	my %failed;
	while (my $result = $parser->next) {
		if ($result->is_plan) {
			print "$path plan ", $result->tests_planned, "\n";
		} elsif ($result->is_test) {
			my $n = $result->number;
			my $state = $result->has_skip ? 'skip' : $result->is_actual_ok ? 'ok' : 'not ok';
			my $line = "$path.$n $state " . $result->description;
			$line .= ' # ' . $result->explanation if $result->has_skip;
			print "$line\n";
			$failed{$n} = $state eq 'not ok';
			if ($block{$n}) {
				my $child = parse_level("$path.$n", @{ $block{$n} });
				fail_with("$path.$n: a subtest failed but the test did not") if $child && !$failed{$n};
			}
		}
	}
	my @errors = $parser->parse_errors;
	fail_with("$path: @errors") if @errors;
	fail_with("$path: plan and tests disagree") unless $parser->is_good_plan;
	return scalar grep { $_ } values %failed;
}

my $file = shift or fail_with('usage: ktap_parse.pl FILE');
open(my $in, '<', $file) or fail_with("$file: $!");
chomp(my @lines = <$in>);
close($in);
parse_level('top', @lines);
exit 0;
