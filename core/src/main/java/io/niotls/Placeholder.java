package io.niotls;

final class Placeholder {}
