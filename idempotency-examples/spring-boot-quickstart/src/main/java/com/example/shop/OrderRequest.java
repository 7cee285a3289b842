package com.example.shop;

public record OrderRequest(String userId, String submitToken) {}
